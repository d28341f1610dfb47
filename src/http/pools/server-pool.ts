// One pool at run time: its servers (each with its own keep-alive connection pool), the balancer
// that picks one, their health as the authority last said, in-flight counts, slow start and the
// retry budget. A pool with no usable server is an open circuit: the caller answers 503 at once.

import { performance } from 'node:perf_hooks';
import type { Pool } from '../upstream-pool.ts';
import { HashRing } from './hash-ring.ts';
import type { HealthChange, HealthLink, PoolPlan } from './plan.ts';
import { RetryBudget } from './retry-budget.ts';
import { transportFor } from './transport.ts';

/** Slow start begins at this share of the weight, so a recovered server gets some traffic at once. */
const SLOW_START_FLOOR = 0.1;

export class Server {
  readonly index: number;
  readonly conns: Pool;
  readonly weight: number;
  up = true;
  /** When it last came up (slow start runs from here); 0 = up since the start. */
  upSince = 0;
  /** Requests in flight. */
  active = 0;
  /** Smooth weighted round robin's running weight. */
  current = 0;
  /** Why it is down, for the 503's log line. */
  why = '';

  constructor(index: number, conns: Pool, weight: number) {
    this.index = index;
    this.conns = conns;
    this.weight = weight;
  }
}

export class ServerPool {
  readonly name: string;
  readonly plan: PoolPlan;
  readonly servers: readonly Server[];
  readonly budget: RetryBudget;
  private readonly ring: HashRing | null;
  private readonly link: HealthLink | null;
  private readonly byConns = new Map<Pool, Server>();

  constructor(plan: PoolPlan, link: HealthLink | null) {
    this.name = plan.name;
    this.plan = plan;
    this.link = link;
    this.servers = plan.servers.map((s, i) => {
      const make = transportFor(s.upstream.url.protocol);
      if (make === undefined) throw new Error(`no transport for ${s.upstream.url.protocol}`);
      const server = new Server(i, make(s.upstream), s.weight);
      this.byConns.set(server.conns, server);
      return server;
    });
    this.ring =
      plan.balance === 'hash'
        ? new HashRing(
            plan.servers.map((s) => s.upstream.url.href),
            plan.servers.map((s) => s.weight),
          )
        : null;
    this.budget = new RetryBudget(plan.retryBudgetPercent);
  }

  /** The server for a request (`key`: the hash key's value), avoiding `avoid`; null: none usable. */
  pick(key: string, avoid: Server | null, now = performance.now()): Server | null {
    const servers = this.servers;
    if (servers.length === 1) {
      const s = servers[0]!;
      return s.up && s !== avoid ? s : null;
    }
    if (this.ring !== null) {
      const i = this.ring.pick(key, (k) => servers[k]!.up && servers[k] !== avoid);
      return i < 0 ? null : servers[i]!;
    }
    if (this.plan.balance === 'least_conn') {
      let best: Server | null = null;
      let bestLoad = Number.POSITIVE_INFINITY;
      for (const s of servers) {
        if (!s.up || s === avoid) continue;
        const load = (s.active + 1) / this.effectiveWeight(s, now);
        if (load < bestLoad) {
          best = s;
          bestLoad = load;
        }
      }
      return best;
    }
    // Smooth weighted round robin (nginx): each pick adds every weight, takes the largest, and
    // subtracts the total from it: weights 5,1,1 give a a b a c a a, not a a a a a b c.
    let total = 0;
    let best: Server | null = null;
    for (const s of servers) {
      if (!s.up || s === avoid) continue;
      const w = this.effectiveWeight(s, now);
      s.current += w;
      total += w;
      if (best === null || s.current > best.current) best = s;
    }
    if (best !== null) best.current -= total;
    return best;
  }

  /** The server owning a connection pool. */
  serverOf(conns: Pool): Server | undefined {
    return this.byConns.get(conns);
  }

  /** A passive failure: reported to the authority, which decides (for every worker alike). */
  failed(s: Server, code: string): void {
    this.link?.report(this.name, s.index, code);
  }

  /** A decision of the authority. */
  apply(c: HealthChange, now = performance.now()): void {
    const s = this.servers[c.server];
    if (s === undefined || s.up === c.up) return;
    s.up = c.up;
    s.why = c.reason;
    if (c.up) {
      s.upSince = now;
      s.current = 0;
    }
  }

  /** Why no server is usable (the 503's log line). */
  downReason(): string {
    return this.servers.map((s) => `${s.conns.origin}: ${s.why || 'down'}`).join('; ');
  }

  close(): void {
    for (const s of this.servers) s.conns.close();
  }

  private effectiveWeight(s: Server, now: number): number {
    const ramp = this.plan.slowStartMs;
    if (ramp <= 0 || s.upSince === 0) return s.weight;
    const share = (now - s.upSince) / ramp;
    return share >= 1 ? s.weight : s.weight * Math.max(SLOW_START_FLOOR, share);
  }
}

/** Every pool of a process, by name, following the health link's decisions. */
export const createServerPools = (
  plans: readonly PoolPlan[],
  link: HealthLink | null,
): ReadonlyMap<string, ServerPool> => {
  const pools = new Map<string, ServerPool>();
  for (const p of plans) pools.set(p.name, new ServerPool(p, link));
  link?.subscribe((changes) => {
    for (const c of changes) pools.get(c.pool)?.apply(c);
  });
  return pools;
};
