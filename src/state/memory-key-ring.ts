// Ticket keys for one process: generated here, rotated on a timer. Also what a Redis ring falls
// back to while Redis is unreachable.

import { type RotationSettings, rotateKeys } from './rotation.ts';
import { generateTicketKey, type TicketKey } from './ticket-key.ts';
import { type Clock, KeyRingCore, type TicketKeyListener, type TicketKeyRing } from './ticket-key-ring.ts';

export interface MemoryKeyRingOptions {
  readonly rotateEveryMs: number;
  readonly overlapMs: number;
  readonly clock?: Clock;
  /** How often to check the schedule; 0 = never by itself (tests call `tick()`). */
  readonly tickMs?: number;
  /** Start from these keys (e.g. handed over by a Redis ring); generated when absent. */
  readonly keys?: readonly TicketKey[];
}

export interface MemoryKeyRing extends TicketKeyRing {
  /** Apply the schedule now: drop aged-out keys, add the next one. True when the set changed. */
  tick(): boolean;
}

/** How often a ring looks at its schedule by default: a tenth of the period, between 1 s and 60 s. */
export function defaultTickMs(rotateEveryMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.floor(rotateEveryMs / 10)));
}

export function createMemoryKeyRing(options: MemoryKeyRingOptions): MemoryKeyRing {
  const clock = options.clock ?? Date.now;
  const settings: RotationSettings = {
    rotateEveryMs: options.rotateEveryMs,
    overlapMs: options.overlapMs,
    announceMs: 0,
  };
  const core = new KeyRingCore(
    rotateKeys(options.keys ?? [], clock(), settings, generateTicketKey),
    options.overlapMs,
    clock,
  );
  const tick = (): boolean => core.replace(rotateKeys(core.keys(), clock(), settings, generateTicketKey));
  const tickMs = options.tickMs ?? defaultTickMs(options.rotateEveryMs);
  const timer = tickMs > 0 ? setInterval(tick, tickMs) : undefined;
  timer?.unref();
  return {
    current: () => core.current(),
    byName: (name) => core.byName(name),
    keys: () => core.keys(),
    subscribe: (listener: TicketKeyListener) => core.subscribe(listener),
    tick,
    async close() {
      clearInterval(timer);
    },
  };
}
