// Retry after a failed order: exponential, with "equal jitter" so a fleet that failed together does
// not retry together, and capped so a long outage still gets a daily-or-better attempt.

export interface BackoffPolicy {
  /** Delay after the first failure (before jitter). */
  readonly baseMs: number;
  /** Upper bound of any delay. */
  readonly capMs: number;
}

/** 1 min, 2, 4, … up to 6 h: a few attempts per hour at first, well inside CA failure rate limits. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 60_000, capMs: 6 * 3_600_000 };

/** Delay before attempt `failures + 1`, in [d/2, d] with d = min(cap, base·2^(failures−1)). */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(failures));
  // 2^n overflows to Infinity long after the cap applies; min() keeps it finite.
  const full = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(full / 2 + (r * full) / 2);
}
