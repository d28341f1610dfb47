// The session cache shared by several hosts through Redis, in front of a local memory store:
//
//   get: local first; on a local miss, Redis (GET), waiting at most `waitMs` (default 50 ms): after
//        that, or while Redis is down, a miss. A session found in Redis is kept locally too.
//   set: local, and Redis (SET … PX timeout) in the background; while Redis is down, only local.
//   Redis back: sessions stored locally while it was away are written to it (catch-up), with
//        their remaining lifetime, so other hosts can resume them from then on.
//
// Layout: <prefix>session:<session id in hex> → the SSL_SESSION DER, expiring with the session.

import { Buffer } from 'node:buffer';
import { withDeadline } from './deadline.ts';
import type { RedisConnection } from './redis-connection.ts';
import type { MemorySessionStore, SessionStore } from './session-store.ts';

export interface RedisSessionStoreOptions {
  readonly connection: RedisConnection;
  /** The local cache in front (its ttlMs is the session timeout used in Redis too). */
  readonly local: MemorySessionStore;
  readonly ttlMs: number;
  /** Most time a handshake waits for Redis; default 50 ms. */
  readonly waitMs?: number;
  /** Key prefix; default "tlsterm:". */
  readonly prefix?: string;
}

export const DEFAULT_PREFIX = 'tlsterm:';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export function createRedisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  const { connection, local, ttlMs } = options;
  const { client } = connection;
  const waitMs = options.waitMs ?? 50;
  const keyOf = (id: Uint8Array): string => `${options.prefix ?? DEFAULT_PREFIX}session:${hex(id)}`;
  let downSince: number | undefined = connection.isUp() ? undefined : Date.now();

  // `at`: when the session was stored locally. A failed write marks Redis down from then, not from
  // the failure, so the catch-up (sessions stored at or after that) includes this one.
  const write = (id: Uint8Array, session: Uint8Array, px: number, at: number): Promise<unknown> =>
    client.set(keyOf(id), Buffer.from(session), 'PX', Math.max(1, Math.floor(px))).catch(() => {
      downSince ??= at;
    });

  const catchUp = (): void => {
    const since = downSince;
    downSince = undefined;
    if (since === undefined) return;
    const now = Date.now();
    for (const s of local.storedSince(since)) void write(s.id, s.session, s.expiresAt - now, s.storedAt);
  };
  const stopFollowing = connection.onUp(catchUp);

  return {
    async get(id) {
      const mine = await local.get(id);
      if (mine !== undefined || !connection.isUp()) return mine;
      const found = await withDeadline(client.getBuffer(keyOf(id)), waitMs);
      if (found === undefined || found === null) return undefined;
      await local.set(id, found);
      return found;
    },
    async set(id, session) {
      // Taken before the local store stamps the session: a clock tick in between must not leave it
      // out of the catch-up (seen in CI: a session stored as Redis went down was never replayed).
      const at = Date.now();
      await local.set(id, session);
      if (!connection.isUp()) {
        downSince ??= at;
        return;
      }
      await write(id, session, ttlMs, at);
    },
    async delete(id) {
      await local.delete(id);
      if (connection.isUp()) await withDeadline(client.del(keyOf(id)), waitMs);
    },
    async close() {
      stopFollowing();
      await local.close();
    },
  };
}
