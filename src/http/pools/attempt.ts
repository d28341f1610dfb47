// One proxied request's attempts on a pool: the server each went to, passive reports of failures,
// in-flight counts for least_conn, and retries on another server while the route allows and the
// budget has room. The exchange calls it (upstream-exchange.ts's Attempts).

import type { Pool } from '../upstream-pool.ts';
import type { Server, ServerPool } from './server-pool.ts';

export class PoolAttempt {
  readonly pool: ServerPool;
  server: Server;
  /** Attempts made so far (1 = no retry). */
  tries = 1;
  /** Origins of the servers that failed before the current one; null when none did. */
  retriedFrom: string[] | null = null;
  private readonly maxTries: number;

  constructor(pool: ServerPool, first: Server, retries: number) {
    this.pool = pool;
    this.server = first;
    this.maxTries = 1 + retries;
    first.active++;
    pool.budget.request();
  }

  get origin(): string {
    return this.server.conns.origin;
  }

  /** The attempt on `conns` is over; `failure` (a code) marks it failed for passive health. */
  end(conns: Pool, failure: string | null): void {
    const s = this.pool.serverOf(conns);
    if (s === undefined) return;
    s.active--;
    if (failure !== null) this.pool.failed(s, failure);
  }

  /** Another server for a retry after `failed` failed before any response byte, or null. */
  next(failed: Pool, _code: string): Pool | null {
    if (this.tries >= this.maxTries) return null;
    const from = this.pool.serverOf(failed);
    const s = this.pool.pick('', from ?? null);
    if (s === null || !this.pool.budget.tryRetry()) return null;
    this.tries++;
    this.retriedFrom ??= [];
    this.retriedFrom.push(failed.origin);
    this.server = s;
    s.active++;
    return s.conns;
  }

  /** Members of the request's log line. */
  logFields(): Record<string, string | number> {
    const f: Record<string, string | number> = { pool: this.pool.name, upstream_attempts: this.tries };
    if (this.retriedFrom !== null) f.retried_from = this.retriedFrom.join(',');
    return f;
  }
}
