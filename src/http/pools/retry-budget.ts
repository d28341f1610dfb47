// Envoy's retry budget: retries may be at most `percent` of the requests seen over a sliding window,
// so a sick pool is not hit with a multiple of its load. A floor lets a quiet pool retry at all.

import { performance } from 'node:perf_hooks';

const BUCKETS = 10;

export class RetryBudget {
  private readonly percent: number;
  private readonly bucketMs: number;
  private readonly minRetries: number;
  private readonly requests = new Uint32Array(BUCKETS);
  private readonly retries = new Uint32Array(BUCKETS);
  private bucket = 0;
  private bucketStart = 0;

  constructor(percent: number, windowMs = 10_000, minRetries = 3) {
    this.percent = percent;
    this.bucketMs = windowMs / BUCKETS;
    this.minRetries = minRetries;
  }

  /** One request started (first attempts only). */
  request(now = performance.now()): void {
    this.roll(now);
    this.requests[this.bucket]!++;
  }

  /** Whether one more retry fits; if so it is counted. */
  tryRetry(now = performance.now()): boolean {
    this.roll(now);
    let req = 0;
    let ret = 0;
    for (let i = 0; i < BUCKETS; i++) {
      req += this.requests[i]!;
      ret += this.retries[i]!;
    }
    if (ret + 1 > Math.max(this.minRetries, (req * this.percent) / 100)) return false;
    this.retries[this.bucket]!++;
    return true;
  }

  private roll(now: number): void {
    if (this.bucketStart === 0) this.bucketStart = now;
    let steps = Math.floor((now - this.bucketStart) / this.bucketMs);
    if (steps <= 0) return;
    this.bucketStart += steps * this.bucketMs;
    if (steps > BUCKETS) steps = BUCKETS;
    for (let i = 0; i < steps; i++) {
      this.bucket = (this.bucket + 1) % BUCKETS;
      this.requests[this.bucket] = 0;
      this.retries[this.bucket] = 0;
    }
  }
}
