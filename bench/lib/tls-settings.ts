// The TLS settings every server under test gets, so the handshake figures compare like with like:
// TLS 1.2 + 1.3, classic key-exchange groups, Mozilla's "intermediate" TLS 1.2 cipher list.
export const tlsSettings = {
  groups: ['X25519', 'P-256'],
  tls12Ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ],
} as const;
