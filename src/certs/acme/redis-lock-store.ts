// Order locks in Redis, so only one host orders a name at a time: acquire is SET NX PX; extend and
// release compare the stored value first (a Lua script each), so a holder whose lock expired and was
// taken over can neither extend nor delete the new holder's lock.

import crypto from 'node:crypto';
import type { RedisConnection } from '../../state/redis-connection.ts';
import { type Lock, type LockStore, lockOwner } from './lock-store.ts';
import { acmeRedisKeys } from './redis-keys.ts';

export interface RedisLockStoreOptions {
  readonly connection: RedisConnection;
  /** Key prefix; default "tlsterm:". */
  readonly prefix?: string;
}

const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const lockValue = (lock: Pick<Lock, 'token' | 'owner'>): string =>
  JSON.stringify({ token: lock.token, owner: lock.owner });

export function createRedisLockStore(options: RedisLockStoreOptions): LockStore {
  const { client } = options.connection;
  const keys = acmeRedisKeys(options.prefix);
  return {
    async acquire(name, ttlMs) {
      const px = Math.max(1, Math.floor(ttlMs));
      const lock: Lock = {
        name,
        token: crypto.randomBytes(16).toString('hex'),
        owner: lockOwner(),
        expiresAt: new Date(Date.now() + px),
      };
      const ok = await client.set(keys.lock(name), lockValue(lock), 'PX', px, 'NX');
      return ok === 'OK' ? lock : undefined;
    },
    async extend(lock, ttlMs) {
      const px = Math.max(1, Math.floor(ttlMs));
      const done = await client.eval(EXTEND, 1, keys.lock(lock.name), lockValue(lock), px);
      return done === 1 ? { ...lock, expiresAt: new Date(Date.now() + px) } : undefined;
    },
    async release(lock) {
      await client.eval(RELEASE, 1, keys.lock(lock.name), lockValue(lock));
    },
    async holder(name) {
      const [value, pttl] = await Promise.all([client.get(keys.lock(name)), client.pttl(keys.lock(name))]);
      if (value === null || pttl < 0) return undefined;
      try {
        const o = JSON.parse(value) as { owner?: unknown };
        return {
          owner: typeof o.owner === 'string' ? o.owner : 'unknown',
          expiresAt: new Date(Date.now() + pttl),
        };
      } catch {
        return { owner: 'unknown', expiresAt: new Date(Date.now() + pttl) };
      }
    },
  };
}
