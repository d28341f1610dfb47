// The ticket-key schedule, as pure functions of (keys, now), so every host holding the same key
// set agrees on which key issues and which still decrypt without talking to each other.
//
// Keys are ordered by `activeAt`. A key issues new tickets from its activeAt until the next key's
// activeAt, then only decrypts for `overlapMs` more (set it to at least the session timeout, the
// longest a ticket is accepted, so a ticket issued just before a rotation still resumes), then it
// is gone. The newest key is always one that is not active yet: it is announced a whole rotation
// period ahead, so followers that poll learn it long before anyone issues tickets under it.

import { hasName, type TicketKey } from './ticket-key.ts';

export interface RotationSettings {
  /** How long a key issues new tickets before the next one takes over. */
  readonly rotateEveryMs: number;
  /** How long a key keeps decrypting tickets after it stopped issuing. */
  readonly overlapMs: number;
  /**
   * When the schedule fell behind (nobody rotated for a while), how far ahead a late new key is
   * announced; 0 in one process, a few poll intervals when others learn keys by polling.
   */
  readonly announceMs: number;
}

const byActivation = (a: TicketKey, b: TicketKey): number => a.activeAt - b.activeAt;

export function sortKeys(keys: readonly TicketKey[]): readonly TicketKey[] {
  for (let i = 1; i < keys.length; i++)
    if (keys[i - 1]!.activeAt > keys[i]!.activeAt) return [...keys].sort(byActivation);
  return keys;
}

/** Index of the key issuing at `now` (the newest already active; the oldest if none is), -1 if none. */
export function currentIndex(keys: readonly TicketKey[], now: number): number {
  if (keys.length === 0) return -1;
  for (let i = keys.length - 1; i >= 0; i--) if (keys[i]!.activeAt <= now) return i;
  return 0;
}

/** When key `i` stops decrypting: its successor's activation plus the overlap; never for the newest. */
export function expiresAt(keys: readonly TicketKey[], i: number, overlapMs: number): number {
  const next = keys[i + 1];
  return next === undefined ? Number.POSITIVE_INFINITY : next.activeAt + overlapMs;
}

/** The key named `name` (bytes or hex) if it still decrypts at `now`. Pending keys decrypt too (harmless). */
export function findKey(
  keys: readonly TicketKey[],
  name: Uint8Array | string,
  now: number,
  overlapMs: number,
): TicketKey | undefined {
  for (let i = 0; i < keys.length; i++) {
    if (hasName(keys[i]!, name)) return expiresAt(keys, i, overlapMs) > now ? keys[i] : undefined;
  }
  return undefined;
}

/**
 * The key set at `now`: aged-out keys dropped, a current key (generated now if none), and one key
 * announced ahead. Returns `keys` itself (same array) when nothing had to change.
 */
export function rotateKeys(
  keys: readonly TicketKey[],
  now: number,
  settings: RotationSettings,
  generate: (activeAt: number) => TicketKey,
): readonly TicketKey[] {
  const sorted = sortKeys(keys);
  let next = sorted.filter((_, i) => expiresAt(sorted, i, settings.overlapMs) > now);
  if (!next.some((k) => k.activeAt <= now)) next = [generate(now), ...next];
  const last = next.at(-1)!;
  if (last.activeAt <= now) {
    const announce = Math.min(settings.announceMs, settings.rotateEveryMs);
    next = [...next, generate(Math.max(last.activeAt + settings.rotateEveryMs, now + announce))];
  }
  return next.length === keys.length && next.every((k, i) => k === keys[i]) ? keys : next;
}
