// The protocol version inside a serialized OpenSSL session (what Node's 'newSession' hands over):
// SSL_SESSION ASN.1 is SEQUENCE { version INTEGER (1), ssl_version INTEGER, … }. Only the two
// leading INTEGERs are read; the rest (the master secret among it) is not looked at.

import { ProtocolVersion } from '../wire/versions.ts';

export const TLS12 = ProtocolVersion.tls12;
export const TLS13 = ProtocolVersion.tls13;

/** ssl_version (0x0303 = TLS 1.2, 0x0304 = TLS 1.3), or undefined when the bytes are not a session. */
export function sessionProtocolVersion(der: Uint8Array): number | undefined {
  if (der[0] !== 0x30) return undefined;
  let at = 1;
  const first = der[at++];
  if (first === undefined) return undefined;
  if (first & 0x80) at += first & 0x7f; // long-form length: skip its bytes
  // version INTEGER 1
  if (der[at] !== 0x02 || der[at + 1] !== 0x01) return undefined;
  at += 3;
  if (der[at] !== 0x02) return undefined;
  const len = der[at + 1];
  if (len === undefined || len < 1 || len > 2 || at + 2 + len > der.length) return undefined;
  let value = 0;
  for (let i = 0; i < len; i++) value = value * 256 + der[at + 2 + i]!;
  return value;
}
