// The last verified response per certificate in Redis, when `state: redis`: hosts behind one
// balancer share it, so a host that starts while the responder is down still staples what another
// host fetched. `<prefix>ocsp:<sha256 of the certificate>` = the DER, PX = until its nextUpdate.
// Read back through the verifier like the disk cache. Redis down: undefined / nothing written.

import { Buffer } from 'node:buffer';
import type { RedisConnection } from '../../state/redis-connection.ts';

export interface SharedOcspCache {
  get(fingerprint: string): Promise<Uint8Array | undefined>;
  set(fingerprint: string, der: Uint8Array, ttlMs: number): Promise<void>;
}

export const ocspRedisKey = (prefix: string, fingerprint: string): string => `${prefix}ocsp:${fingerprint}`;

export function createRedisOcspCache(options: {
  readonly connection: RedisConnection;
  readonly prefix?: string;
}): SharedOcspCache {
  const { connection } = options;
  const prefix = options.prefix ?? 'tlsterm:';
  return {
    async get(fingerprint) {
      if (!connection.isUp()) return undefined;
      try {
        const value = await connection.client.getBuffer(ocspRedisKey(prefix, fingerprint));
        return value === null ? undefined : new Uint8Array(value);
      } catch {
        return undefined;
      }
    },
    async set(fingerprint, der, ttlMs) {
      if (!connection.isUp() || ttlMs <= 0) return;
      try {
        await connection.client.set(
          ocspRedisKey(prefix, fingerprint),
          Buffer.from(der),
          'PX',
          Math.floor(ttlMs),
        );
      } catch {
        // The disk cache has it; the next refresh writes it again.
      }
    },
  };
}
