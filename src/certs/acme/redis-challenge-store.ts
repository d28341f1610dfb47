// Challenge answers in Redis, so whichever host the CA reaches (port 80 or 443 behind one address)
// can answer a challenge another host's manager published. SET … PX / GET / DEL, one to one.

import type { RedisConnection } from '../../state/redis-connection.ts';
import type { ChallengeStore } from './challenge-store.ts';
import { acmeRedisKeys } from './redis-keys.ts';

export interface RedisChallengeStoreOptions {
  readonly connection: RedisConnection;
  /** Key prefix; default "tlsterm:". */
  readonly prefix?: string;
}

export function createRedisChallengeStore(options: RedisChallengeStoreOptions): ChallengeStore {
  const { client } = options.connection;
  const keys = acmeRedisKeys(options.prefix);
  return {
    async set(key, value, ttlMs) {
      await client.set(keys.challenge(key), value, 'PX', Math.max(1, Math.floor(ttlMs)));
    },
    async get(key) {
      // Never throws: Redis down reads as "no such challenge" (the CA sees a 404 and the order retries).
      try {
        return (await client.get(keys.challenge(key))) ?? undefined;
      } catch {
        return undefined;
      }
    },
    async delete(key) {
      await client.del(keys.challenge(key));
    },
  };
}
