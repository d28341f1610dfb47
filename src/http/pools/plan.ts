// What a checked `pools:` entry (or a route's inline `upstream:`) becomes: the plan types the
// config check builds and the pools run.

import type { HttpUpstream } from '../types.ts';

export type Balance = 'round_robin' | 'least_conn' | 'hash';

export type HashKey =
  | { readonly kind: 'client_ip' }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string };

export interface ActiveHealthPlan {
  readonly path: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Inclusive status range counted as healthy. */
  readonly expectLow: number;
  readonly expectHigh: number;
  readonly rise: number;
  readonly fall: number;
}

export interface PassivePlan {
  /** Failures (connect errors, 5xx, timeouts) within windowMs that eject a server… */
  readonly failures: number;
  readonly windowMs: number;
  /** …for this long. */
  readonly cooldownMs: number;
}

export interface PoolTimeouts {
  readonly connectMs: number;
  /** From the request sent to the response head. */
  readonly responseHeaderMs: number;
  /** Between two reads of the response body. */
  readonly idleMs: number;
  /** The whole exchange; 0 = none. */
  readonly totalMs: number;
}

export interface ServerPlan {
  readonly upstream: HttpUpstream;
  readonly weight: number;
}

export interface PoolPlan {
  /** The pool's name (`pools:` key), or the config path of an inline upstream. */
  readonly name: string;
  readonly servers: readonly ServerPlan[];
  readonly balance: Balance;
  readonly hashKey?: HashKey;
  readonly health?: ActiveHealthPlan;
  readonly passive: PassivePlan;
  /** A recovered server's weight ramps up over this long; 0 = at once. */
  readonly slowStartMs: number;
  /** Tries after the first, each on another server; 0 = none. */
  readonly retries: number;
  /** Retries allowed as a share of requests (percent) over a 10 s window. */
  readonly retryBudgetPercent: number;
  readonly timeouts: PoolTimeouts;
}

/** One server's health as the authority decided it (primary → workers). */
export interface HealthChange {
  readonly pool: string;
  readonly server: number;
  readonly up: boolean;
  readonly reason: string;
}

/** How a worker's pools hear health decisions and report passive failures (IPC, or in-process). */
export interface HealthLink {
  /** A request to `pool`'s server `server` failed (connect error, 5xx, timeout): `code` says which. */
  report(pool: string, server: number, code: string): void;
  /** Decisions as they come (and the current ones first). */
  subscribe(apply: (changes: readonly HealthChange[]) => void): void;
}

export const DEFAULT_PASSIVE: PassivePlan = { failures: 3, windowMs: 10_000, cooldownMs: 30_000 };
