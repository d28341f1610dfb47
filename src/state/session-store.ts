// The TLS session cache behind Node's 'newSession' / 'resumeSession' events (session-ID
// resumption, TLS 1.2). One interface, several backends: memory here, Redis, and (to come) the
// cluster primary over IPC. Every method resolves, never rejects: a store that cannot answer is a
// cache miss, and a miss costs a full handshake, never a failed one.

import { Buffer } from 'node:buffer';
import type { Clock } from './ticket-key-ring.ts';

export interface SessionStore {
  /** The session stored under `id`, or undefined (missing, expired, or the store could not answer in time). */
  get(id: Uint8Array): Promise<Uint8Array | undefined>;
  /** Store `session` (an OpenSSL SSL_SESSION in DER: secret) for the store's timeout. */
  set(id: Uint8Array, session: Uint8Array): Promise<void>;
  delete(id: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface MemorySessionStoreOptions {
  /** At most this many sessions; the least recently used go first. */
  readonly maxEntries: number;
  /** A session is forgotten this long after it was stored (nginx's ssl_session_timeout). */
  readonly ttlMs: number;
  readonly clock?: Clock;
}

export interface StoredSession {
  readonly id: Uint8Array;
  readonly session: Uint8Array;
  readonly storedAt: number;
  readonly expiresAt: number;
}

export interface MemorySessionStore extends SessionStore {
  readonly size: number;
  /** Live sessions stored at or after `since`, oldest first (what a Redis store replays when Redis is back). */
  storedSince(since: number): StoredSession[];
}

const idKey = (id: Uint8Array): string => Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex');

export function createMemorySessionStore(options: MemorySessionStoreOptions): MemorySessionStore {
  const clock = options.clock ?? Date.now;
  const max = Math.max(1, Math.floor(options.maxEntries));
  // A Map iterates in insertion order: re-inserting on use makes its first entry the least recently used.
  const entries = new Map<string, StoredSession>();
  const live = (key: string, entry: StoredSession | undefined): StoredSession | undefined => {
    if (entry === undefined) return undefined;
    if (entry.expiresAt > clock()) return entry;
    entries.delete(key);
    return undefined;
  };
  return {
    get size() {
      return entries.size;
    },
    async get(id) {
      const key = idKey(id);
      const entry = live(key, entries.get(key));
      if (entry === undefined) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.session;
    },
    async set(id, session) {
      const key = idKey(id);
      const now = clock();
      entries.delete(key);
      entries.set(key, {
        id: Uint8Array.from(id),
        session: Uint8Array.from(session),
        storedAt: now,
        expiresAt: now + options.ttlMs,
      });
      while (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    async delete(id) {
      entries.delete(idKey(id));
    },
    storedSince(since) {
      const out: StoredSession[] = [];
      for (const [key, entry] of entries) if (live(key, entry) && entry.storedAt >= since) out.push(entry);
      return out.sort((a, b) => a.storedAt - b.storedAt);
    },
    async close() {
      entries.clear();
    },
  };
}
