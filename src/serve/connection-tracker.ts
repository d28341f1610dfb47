// The connections a serving process holds, so that a reload or shutdown can let them finish:
// stop accepting, ask each HTTP connection to close after its current exchange (h1) or send GOAWAY
// (h2), wait until they are gone, and cut what is left at the deadline.

import type net from 'node:net';
import type { Drainable } from '../http/index.ts';

/** What the admin API shows of an open connection (set once its handshake completed). */
export interface ConnectionFacts {
  readonly site: string;
  readonly sni: string | null;
  readonly version: string | null;
  readonly alpn: string | null;
}

export interface TrackedConnection {
  readonly listener: string;
  readonly client: string;
  /** ms since the epoch */
  readonly since: number;
  facts?: ConnectionFacts;
}

export interface ConnectionTracker {
  add(raw: net.Socket, listener?: string, client?: string): void;
  /** The handshake completed: what it chose. */
  describe(raw: net.Socket, facts: ConnectionFacts): void;
  /** The open connections (for the admin API). */
  list(): IterableIterator<TrackedConnection>;
  /** The connection now speaks HTTP: how to ask it to finish (asked at once when already draining). */
  setDrainable(raw: net.Socket, drainable: Drainable): void;
  readonly size: number;
  readonly draining: boolean;
  /** Resolves with the number of connections cut at the deadline (0: all finished in time). */
  drain(deadlineMs: number): Promise<number>;
}

// One entry per socket (what the admin API lists, and how to drain it), one Map, and one 'close'
// listener that is the same function for every socket: no closure per connection.
interface Entry extends TrackedConnection {
  drainable: Drainable | null;
}

export function createConnectionTracker(): ConnectionTracker {
  const open = new Map<net.Socket, Entry>();
  let draining = false;
  let onEmpty: (() => void) | undefined;
  function remove(this: net.Socket): void {
    open.delete(this);
    if (open.size === 0) onEmpty?.();
  }
  return {
    add(raw, listener = '', client = '') {
      open.set(raw, { listener, client, since: Date.now(), facts: undefined, drainable: null });
      raw.on('close', remove); // 'close' comes once; once() would wrap it in a closure per socket
    },
    describe(raw, facts) {
      const entry = open.get(raw);
      if (entry !== undefined) entry.facts = facts;
    },
    list: () => open.values(),
    setDrainable(raw, drainable) {
      const entry = open.get(raw);
      if (entry === undefined) return;
      entry.drainable = drainable;
      if (draining) drainable.drain();
    },
    get size() {
      return open.size;
    },
    get draining() {
      return draining;
    },
    drain(deadlineMs) {
      draining = true;
      for (const e of open.values()) e.drainable?.drain();
      if (open.size === 0) return Promise.resolve(0);
      return new Promise<number>((resolve) => {
        const timer = setTimeout(() => {
          const cut = open.size;
          for (const raw of [...open.keys()]) raw.destroy();
          resolve(cut);
        }, deadlineMs);
        onEmpty = () => {
          clearTimeout(timer);
          resolve(0);
        };
      });
    },
  };
}
