// ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4): the TLS 1.2 server's ephemeral key and its
// signature over it. It tells which group a TLS 1.2 server picked (ECDHE) or how big its DH
// prime is (DHE), which OpenSSL does not report on the server side. RSA key exchange sends none.

import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';

export type ServerKeyExchange =
  | {
      readonly kind: 'ecdhe';
      readonly group: number;
      readonly publicKey: Uint8Array;
      /** Signature scheme id (TLS 1.2 SignatureAndHashAlgorithm as one u16). */
      readonly signatureScheme: number;
      readonly signature: Uint8Array;
    }
  | {
      readonly kind: 'dhe';
      readonly prime: Uint8Array;
      readonly generator: Uint8Array;
      readonly publicKey: Uint8Array;
      readonly signatureScheme: number;
      readonly signature: Uint8Array;
    };

const NAMED_CURVE = 3;

/** `kx` comes from the negotiated suite: ECDHE and DHE suites have different bodies. */
export function parseServerKeyExchange(
  body: Uint8Array,
  kx: 'ecdhe' | 'dhe',
): ParseResult<ServerKeyExchange> {
  const r = new Reader(body);
  if (kx === 'ecdhe') {
    const curveType = r.u8();
    if (!r.failed && curveType !== NAMED_CURVE)
      return fail(`ServerKeyExchange curve type ${curveType} (only named_curve is allowed)`);
    const group = r.u16();
    const publicKey = r.vec8();
    const signatureScheme = r.u16();
    const signature = r.vec16();
    if (r.failed) return fail('ServerKeyExchange truncated');
    if (!r.atEnd) return fail(`ServerKeyExchange has ${r.remaining} trailing bytes`);
    return ok({ kind: 'ecdhe', group, publicKey, signatureScheme, signature });
  }
  const prime = r.vec16();
  const generator = r.vec16();
  const publicKey = r.vec16();
  const signatureScheme = r.u16();
  const signature = r.vec16();
  if (r.failed) return fail('ServerKeyExchange truncated');
  if (!r.atEnd) return fail(`ServerKeyExchange has ${r.remaining} trailing bytes`);
  return ok({ kind: 'dhe', prime, generator, publicKey, signatureScheme, signature });
}
