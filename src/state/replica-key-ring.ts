// A ring that only follows: its key set is handed to it (a cluster worker fed by the primary over
// IPC, as `decodeTicketKeys(message)` → `apply`). It never generates keys; the schedule (which key
// issues now) still runs on its own clock, so a worker switches keys at the same moment as the
// primary even between messages.

import type { TicketKey } from './ticket-key.ts';
import { type Clock, KeyRingCore, type TicketKeyRing } from './ticket-key-ring.ts';

export interface ReplicaKeyRing extends TicketKeyRing {
  /** Install the set the leader holds. True when it changed. */
  apply(keys: readonly TicketKey[]): boolean;
}

export function createReplicaKeyRing(
  keys: readonly TicketKey[],
  options: { readonly overlapMs: number; readonly clock?: Clock },
): ReplicaKeyRing {
  const core = new KeyRingCore(keys, options.overlapMs, options.clock ?? Date.now);
  return {
    current: () => core.current(),
    byName: (name) => core.byName(name),
    keys: () => core.keys(),
    subscribe: (listener) => core.subscribe(listener),
    apply: (next) => core.replace(next),
    async close() {},
  };
}
