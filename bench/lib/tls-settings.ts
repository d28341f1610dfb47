import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';

// The TLS settings every server under test gets, so the handshake figures compare like with like:
// TLS 1.2 + 1.3, classic key-exchange groups, Mozilla's "intermediate" TLS 1.2 cipher list, and the
// server's TLS 1.3 order (AES-128 first, as tlsterm's profiles have it). Without that, nginx follows
// the client's order and picks AES-256 while tlsterm picks AES-128: the bulk figure would then
// compare ciphers, not proxies.
export const tlsSettings = {
  groups: ['X25519', 'P-256'],
  tls13Ciphers: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'],
  tls12Ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ],
} as const;

/**
 * The settings above as a Node TLS server's options, with the bench certificate (read from its
 * files): what each of Node's floor servers (floor-server.ts, h2-floor-server.ts,
 * h2-proxy-floor-server.ts) starts from. Suites in server order, as tlsterm and nginx have them.
 */
export const nodeServerTls = (certPath: string, keyPath: string) =>
  ({
    cert: readFileSync(certPath),
    key: readFileSync(keyPath),
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [...tlsSettings.tls13Ciphers, ...tlsSettings.tls12Ciphers].join(':'),
    ecdhCurve: tlsSettings.groups.join(':'),
    honorCipherOrder: true,
  }) as const satisfies TlsOptions;
