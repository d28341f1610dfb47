// ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7): the TLS 1.2 client's half of the key
// exchange. RSA: the pre-master secret encrypted to the server's certificate key (a u16 vector);
// ECDHE: the client's ephemeral point (u8 vector); DHE: its public value (u16 vector).
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';

export type ClientKeyExchange =
  | { readonly kind: 'rsa'; readonly encryptedPreMaster: Uint8Array }
  | { readonly kind: 'ecdhe'; readonly publicKey: Uint8Array }
  | { readonly kind: 'dhe'; readonly publicKey: Uint8Array };

export function parseClientKeyExchange(
  body: Uint8Array,
  kx: 'rsa' | 'ecdhe' | 'dhe',
): ParseResult<ClientKeyExchange> {
  const r = new Reader(body);
  const value = kx === 'ecdhe' ? r.vec8() : r.vec16();
  if (r.failed) return fail('ClientKeyExchange truncated');
  if (!r.atEnd) return fail(`ClientKeyExchange has ${r.remaining} trailing bytes`);
  if (value.length === 0) return fail('ClientKeyExchange is empty');
  if (kx === 'rsa') return ok({ kind: 'rsa', encryptedPreMaster: value });
  return ok({ kind: kx, publicKey: value });
}
