// Where ACME state lives in Redis, next to the TLS state (same connection settings and prefix):
//
//   <prefix>acme:challenge:<store key>   a challenge answer (HTTP-01 key authorization, TLS-ALPN-01
//                                        certificate), PX = its lifetime
//   <prefix>acme:lock:<lock name>        {"token","owner"}, PX = the lock's lifetime
//   <prefix>acme:certificate:<lineage>   {"fullchainPem","keyPem"}: the newest issued version
//   <prefix>acme:account:<sha256(dir)>   the account key (PKCS#8 PEM) for one directory URL
//   channel <prefix>acme:certificates    a lineage name, published after each new version

import crypto from 'node:crypto';

export const DEFAULT_ACME_PREFIX = 'tlsterm:';

export interface AcmeRedisKeys {
  challenge(key: string): string;
  lock(name: string): string;
  certificate(name: string): string;
  account(directory: string): string;
  readonly channel: string;
}

export function acmeRedisKeys(prefix: string = DEFAULT_ACME_PREFIX): AcmeRedisKeys {
  const base = `${prefix}acme:`;
  return {
    challenge: (key) => `${base}challenge:${key}`,
    lock: (name) => `${base}lock:${name}`,
    certificate: (name) => `${base}certificate:${name}`,
    account: (directory) =>
      `${base}account:${crypto.createHash('sha256').update(directory).digest('hex').slice(0, 32)}`,
    channel: `${base}certificates`,
  };
}
