// The soak's schedule, from its length alone (pure): a quiet baseline, the adversaries by group
// under short bounds, all of them at once, the holds again under tlsterm's default bounds, then a
// cool-down with no load, which is where RSS must come back down.
import type { Bounds } from './config.ts';

export interface Phase {
  readonly name: string;
  readonly seconds: number;
  readonly bounds: Bounds;
  /** Adversary groups or names (see adversaries/index.ts); none: only the ordinary clients. */
  readonly adversaries: readonly string[];
  /** Whether reloads run during this phase. */
  readonly reloads: boolean;
  /** No client at all, ordinary ones included. */
  readonly idle?: boolean;
}

export interface Schedule {
  readonly phases: readonly Phase[];
  readonly sampleMs: number;
  readonly reloadMs: number;
  /** Adversary counts are multiplied by this (1 for a 10-minute run). */
  readonly scale: number;
}

const SHARES: readonly (readonly [string, number, Bounds, readonly string[], boolean])[] = [
  ['baseline', 0.06, 'short', [], false],
  ['holds', 0.22, 'short', ['holds'], true],
  ['floods', 0.2, 'short', ['floods'], true],
  ['junk', 0.1, 'short', ['junk'], true],
  ['mixed', 0.2, 'short', ['holds', 'floods', 'junk'], true],
  // No periodic reload here: the workers that took this phase's load are the ones the cool-down
  // measures (a reload replaces workers, and fresh ones would hide memory that is not given back).
  ['defaults', 0.22, 'defaults', ['holds', 'handshake_flood'], false],
];

export function schedule(totalSeconds: number): Schedule {
  // 90 s of cool-down in a long run: RSS is read 60 s after the load, with margin for a late free.
  const cooldown = totalSeconds >= 300 ? 90 : Math.max(2, Math.round(totalSeconds * 0.25));
  const load = totalSeconds - cooldown;
  const phases: Phase[] = SHARES.map(([name, share, bounds, adversaries, reloads]) => ({
    name,
    seconds: Math.max(1, Math.round(load * share)),
    bounds,
    adversaries,
    reloads,
  }));
  phases.push({
    name: 'cooldown',
    seconds: cooldown,
    bounds: 'defaults',
    adversaries: [],
    reloads: false,
    idle: true,
  });
  return {
    phases,
    sampleMs: totalSeconds >= 120 ? 5000 : 1000,
    reloadMs: Math.min(30_000, Math.max(2000, (load * 1000) / 8)),
    scale: Math.min(1, totalSeconds / 600),
  };
}
