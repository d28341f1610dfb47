// The ticket-key ring: which key new tickets are issued under, and which key decrypts a ticket
// named so-and-so. Backends (memory, Redis, a worker fed by the cluster primary) differ only in
// where the key set comes from; they share this core, so they agree on the schedule (rotation.ts).
//
// When a backend replaces its key set with one from elsewhere (Redis came back, the primary sent
// a new set), keys it had been issuing under may not be in the new set. Tickets under them keep
// resuming here: such a key stays decrypt-only until its own expiry or `overlapMs` from now,
// whichever comes first (an "orphan"), and is never issued under again.

import { currentIndex, expiresAt, findKey, sortKeys } from './rotation.ts';
import { hasName, sameTicketKey, type TicketKey } from './ticket-key.ts';

export type TicketKeyListener = (keys: readonly TicketKey[]) => void;

export interface TicketKeyRing {
  /** The key to issue new tickets under, now. */
  current(): TicketKey;
  /** The key able to decrypt a ticket whose first 16 bytes are `name`; undefined when aged out. */
  byName(name: Uint8Array | string): TicketKey | undefined;
  /** The shared key set, oldest first (what a follower or a worker is given). */
  keys(): readonly TicketKey[];
  /** Called after the key set changed (a key added or dropped). Returns the unsubscribe function. */
  subscribe(listener: TicketKeyListener): () => void;
  close(): Promise<void>;
}

export type Clock = () => number;

interface Orphan {
  readonly key: TicketKey;
  readonly until: number;
}

/** The state every backend wraps: a key set, orphans, listeners. */
export class KeyRingCore {
  readonly #clock: Clock;
  readonly #overlapMs: number;
  #keys: readonly TicketKey[];
  #orphans: Orphan[] = [];
  readonly #listeners = new Set<TicketKeyListener>();

  constructor(keys: readonly TicketKey[], overlapMs: number, clock: Clock) {
    if (keys.length === 0) throw new RangeError('a ticket-key ring needs at least one key');
    this.#keys = sortKeys(keys);
    this.#overlapMs = overlapMs;
    this.#clock = clock;
  }

  current(): TicketKey {
    return this.#keys[currentIndex(this.#keys, this.#clock())]!;
  }

  byName(name: Uint8Array | string): TicketKey | undefined {
    const now = this.#clock();
    const key = findKey(this.#keys, name, now, this.#overlapMs);
    if (key !== undefined) return key;
    const orphan = this.#orphans.find((o) => hasName(o.key, name));
    return orphan !== undefined && orphan.until > now ? orphan.key : undefined;
  }

  keys(): readonly TicketKey[] {
    return this.#keys;
  }

  /** Keys that decrypt now but are not in the shared set. */
  orphans(): readonly TicketKey[] {
    const now = this.#clock();
    return this.#orphans.filter((o) => o.until > now).map((o) => o.key);
  }

  subscribe(listener: TicketKeyListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Install a new key set; true (and listeners told) when it differs from the old one. */
  replace(keys: readonly TicketKey[]): boolean {
    if (keys.length === 0) return false;
    const next = sortKeys(keys);
    const prev = this.#keys;
    const now = this.#clock();
    const orphans = this.#orphans.filter(
      (o) => o.until > now && !next.some((k) => k.nameHex === o.key.nameHex),
    );
    prev.forEach((key, i) => {
      if (next.some((k) => k.nameHex === key.nameHex)) return;
      const until = Math.min(expiresAt(prev, i, this.#overlapMs), now + this.#overlapMs);
      if (until > now && !orphans.some((o) => o.key.nameHex === key.nameHex)) orphans.push({ key, until });
    });
    const changed =
      next.length !== prev.length ||
      next.some((k, i) => !sameTicketKey(k, prev[i]!)) ||
      orphans.length !== this.#orphans.length;
    this.#keys = next;
    this.#orphans = orphans;
    if (changed) for (const listener of [...this.#listeners]) listener(next);
    return changed;
  }
}
