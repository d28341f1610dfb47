// The workers' rate-limit buckets kept in step (see rate-limit.ts): one registry of this process's
// limiters by site id, a timer that sends what each took every SYNC_MS, and the entry point for what
// the siblings took. Without a sender (one process), nothing is sent and no timer runs.

import { performance } from 'node:perf_hooks';
import type { RateLimiter } from './rate-limit.ts';

export const SYNC_MS = 50;

/** [site id, key, tokens taken] */
export type RateTaken = readonly (readonly [string, string, number])[];

const limiters = new Map<string, RateLimiter>();
let sender: ((taken: RateTaken) => void) | null = null;
let timer: NodeJS.Timeout | null = null;

/** A site's limiter (a reload's new one replaces the old of the same site). */
export const registerLimiter = (l: RateLimiter): void => {
  limiters.set(l.id, l);
};

const flush = (): void => {
  const taken: [string, string, number][] = [];
  for (const l of limiters.values()) for (const [k, n] of l.takePending()) taken.push([l.id, k, n]);
  if (taken.length > 0) sender?.(taken);
};

/** Start sending (a cluster worker); returns the stop function. */
export const startRateSync = (send: (taken: RateTaken) => void): (() => void) => {
  sender = send;
  timer ??= setInterval(flush, SYNC_MS);
  timer.unref();
  return () => {
    // A later start replaced this one (single_process: a reload's new generation): its sync goes on.
    if (sender !== send) return;
    if (timer !== null) clearInterval(timer);
    timer = null;
    sender = null;
  };
};

/** What a sibling worker took. */
export const applyRateTaken = (taken: RateTaken): void => {
  const now = performance.now();
  for (const [id, key, n] of taken) limiters.get(id)?.applyRemote(key, n, now);
};
