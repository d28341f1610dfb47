// Issued certificates and the account key in Redis, for instances on several hosts (see
// shared-store.ts). A new version is one SET (chain and key together, so no reader sees a chain with
// another version's key) and one PUBLISH, so the others adopt it at once instead of at their next look.

import type { RedisConnection } from '../../state/redis-connection.ts';
import type { LineageVersion } from './lineage.ts';
import { acmeRedisKeys } from './redis-keys.ts';
import type { SharedCertificateStore } from './shared-store.ts';

export interface RedisSharedStoreOptions {
  readonly connection: RedisConnection;
  /** Key prefix; default "tlsterm:". */
  readonly prefix?: string;
}

function parseVersion(text: string | null): LineageVersion | undefined {
  if (text === null) return undefined;
  try {
    const o = JSON.parse(text) as { fullchainPem?: unknown; keyPem?: unknown };
    return typeof o.fullchainPem === 'string' && typeof o.keyPem === 'string'
      ? { fullchainPem: o.fullchainPem, keyPem: o.keyPem }
      : undefined;
  } catch {
    return undefined;
  }
}

export function createRedisSharedStore(options: RedisSharedStoreOptions): SharedCertificateStore {
  const { connection } = options;
  const { client } = connection;
  const keys = acmeRedisKeys(options.prefix);
  const listeners = new Set<(name: string) => void>();
  let subscribed = false;

  const subscribe = (): void => {
    if (subscribed) return;
    subscribed = true;
    const sub = connection.subscriber();
    sub.on('message', (channel: string, name: string) => {
      if (channel !== keys.channel) return;
      for (const l of [...listeners]) l(name);
    });
    sub.subscribe(keys.channel).catch(() => {}); // renewed on reconnection; polling covers a gap
  };

  return {
    async getCertificate(name) {
      return parseVersion(await client.get(keys.certificate(name)));
    },
    async putCertificate(name, version, ttlMs) {
      const value = JSON.stringify({ fullchainPem: version.fullchainPem, keyPem: version.keyPem });
      await client.set(keys.certificate(name), value, 'PX', Math.max(1, Math.floor(ttlMs)));
      await client.publish(keys.channel, name);
    },
    async accountKey(directory, candidate) {
      const key = keys.account(directory);
      if ((await client.set(key, candidate, 'NX')) === 'OK') return candidate;
      const known = await client.get(key);
      if (known === null) throw new Error('the shared account key vanished while it was being read');
      return known;
    },
    onCertificate(listener) {
      listeners.add(listener);
      subscribe();
      return () => listeners.delete(listener);
    },
  };
}
