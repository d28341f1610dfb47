// A worker's resumption state comes from the primary: the ticket keys as a replica ring the
// primary feeds (so every worker issues and decrypts under the same keys, and rotation reaches all
// of them), and the session cache as a store whose reads and writes go to the primary's store
// (memory or Redis), with the sessions this worker made or fetched kept near (nearSessionStore).
// A read the primary does not answer in time is a miss: a full handshake.

import {
  createMemorySessionStore,
  createReplicaKeyRing,
  decodeTicketKeys,
  nearSessionStore,
  type ReplicaKeyRing,
  type ResumptionState,
  type SessionStore,
  WORKER_NEAR_SESSIONS,
  WORKER_SESSION_WAIT_MS,
} from '../../state/index.ts';
import type { ResumptionProvider } from '../resumption/index.ts';
import type { ToPrimary, ToWorker } from './messages.ts';

export interface WorkerChannel {
  send(message: ToPrimary): void;
  /** Subscribe to the primary's messages; returns the unsubscribe function. */
  onMessage(listener: (message: ToWorker) => void): () => void;
}

/** How long a worker waits for its first key set before giving up on starting. */
const KEYS_WAIT_MS = 10_000;

export function workerResumption(channel: WorkerChannel): ResumptionProvider {
  let seq = 0;
  const pending = new Map<number, (session: Uint8Array | undefined) => void>();
  const rings = new Map<string, ReplicaKeyRing>();
  const keyWaiters = new Map<string, (keys: string) => void>();
  channel.onMessage((m) => {
    if (m.type === 'session') {
      pending.get(m.seq)?.(m.session);
      pending.delete(m.seq);
    } else if (m.type === 'ticket-keys') {
      const ring = rings.get(m.listener);
      if (ring !== undefined) {
        const keys = decodeTicketKeys(m.keys);
        if (keys.ok) ring.apply(keys.value);
      } else keyWaiters.get(m.listener)?.(m.keys);
    }
  });

  const sessionStore = (listener: string): SessionStore => ({
    get: (id) =>
      new Promise((resolve) => {
        const n = ++seq;
        const timer = setTimeout(() => {
          pending.delete(n);
          resolve(undefined);
        }, WORKER_SESSION_WAIT_MS);
        pending.set(n, (session) => {
          clearTimeout(timer);
          resolve(session);
        });
        channel.send({ type: 'session-get', seq: n, listener, id });
      }),
    set: async (id, session) => channel.send({ type: 'session-set', listener, id, session }),
    delete: async () => {},
    close: async () => {},
  });

  const firstKeys = (listener: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        keyWaiters.delete(listener);
        reject(new Error(`no ticket keys from the primary for listener ${listener}`));
      }, KEYS_WAIT_MS);
      keyWaiters.set(listener, (keys) => {
        clearTimeout(timer);
        keyWaiters.delete(listener);
        resolve(keys);
      });
      channel.send({ type: 'want-keys', listener: listener });
    });

  return async (listener): Promise<ResumptionState> => {
    const { sessionCache, tickets } = listener.resumption;
    let ring: ReplicaKeyRing | undefined;
    if (tickets.enabled) {
      const keys = decodeTicketKeys(await firstKeys(listener.name));
      if (!keys.ok) throw new Error(`ticket keys from the primary: ${keys.error}`);
      ring = createReplicaKeyRing(keys.value, { overlapMs: tickets.overlapMs });
      rings.set(listener.name, ring);
    }
    // The sessions this worker made or fetched, kept in front of the primary's cache.
    const sessions = sessionCache.enabled
      ? nearSessionStore(
          createMemorySessionStore({
            maxEntries: Math.min(sessionCache.maxEntries, WORKER_NEAR_SESSIONS),
            ttlMs: sessionCache.timeoutMs,
          }),
          sessionStore(listener.name),
        )
      : undefined;
    return {
      sessions,
      ring,
      close: async () => {
        rings.delete(listener.name);
      },
    };
  };
}
