// `rate_limit:` of a site: a token bucket per key (client IP, or a header's value), `rate` tokens a
// second up to `burst`. Memory is bounded: at most `maxKeys` buckets (least recently used first out);
// a bucket idle long enough to be full again is the same as none, so dropping it loses nothing.
//
// Shared by the workers of an instance without an IPC round trip per request: each worker decides
// alone on its replica of every bucket, and every SYNC_MS tells its siblings (through the primary,
// rate-sync.ts) what it took; a sibling subtracts that from its replica. The total admitted can
// exceed the limit only by what the other workers took within one sync period before hearing of it
// (at most (workers-1) × rate × SYNC_MS/1000 + what lands in the same window of a full burst).

export interface RateLimitSpec {
  /** null: the client address; a name: that request header's value (the client address without one). */
  readonly header: string | null;
  readonly perSecond: number;
  readonly burst: number;
  readonly status: number;
  readonly maxKeys: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** Taken here since the last sync. */
  pending: number;
  /** Last `rate_limited` log line for this key (one a second at most). */
  loggedAt: number;
}

export interface Refusal {
  /** Whole seconds until a token is back (Retry-After). */
  readonly retryAfter: number;
  /** Log this refusal (the first for this key in a second). */
  readonly log: boolean;
}

export const DEFAULT_MAX_KEYS = 100_000;

export class RateLimiter {
  readonly id: string;
  readonly spec: RateLimitSpec;
  private readonly buckets = new Map<string, Bucket>();
  /** Keys with something taken since the last sync. */
  private readonly dirty = new Set<string>();

  constructor(id: string, spec: RateLimitSpec) {
    this.id = id;
    this.spec = spec;
  }

  get size(): number {
    return this.buckets.size;
  }

  private bucket(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.spec.burst, at: now, pending: 0, loggedAt: -Infinity };
      if (this.buckets.size >= this.spec.maxKeys) this.evict();
    } else {
      // Most recently used last: the Map's order is the eviction order.
      this.buckets.delete(key);
      b.tokens = Math.min(this.spec.burst, b.tokens + ((now - b.at) / 1000) * this.spec.perSecond);
      b.at = now;
    }
    this.buckets.set(key, b);
    return b;
  }

  private evict(): void {
    for (const k of this.buckets.keys()) {
      this.buckets.delete(k);
      this.dirty.delete(k);
      return;
    }
  }

  /** Take a token: null when admitted, else how long to wait. `now` in ms (performance.now()). */
  take(key: string, now: number): Refusal | null {
    const b = this.bucket(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.pending++;
      this.dirty.add(key);
      return null;
    }
    const log = now - b.loggedAt >= 1000;
    if (log) b.loggedAt = now;
    return { retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.spec.perSecond)), log };
  }

  /** What a sibling took: subtracted from this replica (it may go below zero: it refills). */
  applyRemote(key: string, n: number, now: number): void {
    const b = this.bucket(key, now);
    b.tokens = Math.max(-this.spec.burst, b.tokens - n);
  }

  /** What was taken here since the last call, for the siblings. */
  takePending(): [string, number][] {
    const out: [string, number][] = [];
    for (const k of this.dirty) {
      const b = this.buckets.get(k);
      if (b !== undefined && b.pending > 0) out.push([k, b.pending]);
      if (b !== undefined) b.pending = 0;
    }
    this.dirty.clear();
    return out;
  }
}
