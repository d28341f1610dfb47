// ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4; RFC 2246/4346 for TLS 1.0/1.1): the server's
// ephemeral key and its signature over it. It tells which group a TLS ≤ 1.2 server picked (ECDHE)
// or how big its DH prime is (DHE), which OpenSSL does not report on the server side. RSA key
// exchange sends none. The signature's layout depends on the version (see digitally-signed.ts),
// and anonymous suites send no signature at all.

import { type DigitallySigned, readDigitallySigned } from './digitally-signed.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';

export type KeyExchangeParams =
  | { readonly kind: 'ecdhe'; readonly group: number; readonly publicKey: Uint8Array }
  | {
      readonly kind: 'dhe';
      readonly prime: Uint8Array;
      readonly generator: Uint8Array;
      readonly publicKey: Uint8Array;
    };

/** The parameters and their signature (null: an anonymous suite, nothing signed). */
export type SignedKeyExchange = KeyExchangeParams & { readonly signed: DigitallySigned | null };

export interface KeyExchangeContext {
  /** From the negotiated suite: ECDHE and DHE suites have different bodies. */
  readonly kx: 'ecdhe' | 'dhe';
  /** The negotiated version (ServerHello): below TLS 1.2 the signature has no scheme field. */
  readonly version: number;
  /** An anonymous suite (DH_anon, ECDH_anon): no signature follows the parameters. */
  readonly anonymous?: boolean;
}

const NAMED_CURVE = 3;

export function parseSignedKeyExchange(
  body: Uint8Array,
  at: KeyExchangeContext,
): ParseResult<SignedKeyExchange> {
  const r = new Reader(body);
  let params: KeyExchangeParams;
  if (at.kx === 'ecdhe') {
    const curveType = r.u8();
    if (!r.failed && curveType !== NAMED_CURVE)
      return fail(`ServerKeyExchange curve type ${curveType} (only named_curve is allowed)`);
    const group = r.u16();
    const publicKey = r.vec8();
    params = { kind: 'ecdhe', group, publicKey };
  } else {
    const prime = r.vec16();
    const generator = r.vec16();
    const publicKey = r.vec16();
    params = { kind: 'dhe', prime, generator, publicKey };
  }
  const signed = at.anonymous ? null : readDigitallySigned(r, at.version);
  if (r.failed) return fail('ServerKeyExchange truncated');
  if (!r.atEnd) return fail(`ServerKeyExchange has ${r.remaining} trailing bytes`);
  return ok({ ...params, signed });
}

/**
 * The TLS 1.2 shape (a signature scheme always present), for readers that have not been given
 * the version yet. New code uses parseSignedKeyExchange.
 */
export type ServerKeyExchange = KeyExchangeParams & {
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
};

/** TLS 1.2 only: see parseSignedKeyExchange for every version. */
export function parseServerKeyExchange(
  body: Uint8Array,
  kx: 'ecdhe' | 'dhe',
): ParseResult<ServerKeyExchange> {
  const parsed = parseSignedKeyExchange(body, { kx, version: 0x0303 });
  if (!parsed.ok) return parsed;
  const { signed, ...params } = parsed.value;
  return ok({
    ...params,
    signatureScheme: signed?.scheme ?? 0,
    signature: signed?.signature ?? new Uint8Array(),
  });
}
