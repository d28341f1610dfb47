// CertificateVerify (RFC 8446 §4.4.3; TLS 1.2 client authentication, RFC 5246 §7.4.8): the
// signature scheme and the signature over the transcript.
import { type DigitallySigned, readDigitallySigned } from './digitally-signed.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';

export interface CertificateVerify {
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}

export function parseCertificateVerify(body: Uint8Array): ParseResult<CertificateVerify> {
  const r = new Reader(body);
  const signatureScheme = r.u16();
  const signature = r.vec16();
  if (r.failed) return fail('CertificateVerify truncated');
  if (!r.atEnd) return fail(`CertificateVerify has ${r.remaining} trailing bytes`);
  if (signature.length === 0) return fail('CertificateVerify has an empty signature');
  return ok({ signatureScheme, signature });
}

/**
 * A TLS ≤ 1.2 client's CertificateVerify, read as `version` lays it out: TLS 1.0 and 1.1 have no
 * scheme field (scheme null). parseCertificateVerify is the TLS 1.2/1.3 shape.
 */
export function parseSignedCertificateVerify(
  body: Uint8Array,
  version: number,
): ParseResult<DigitallySigned> {
  const r = new Reader(body);
  const signed = readDigitallySigned(r, version);
  if (r.failed) return fail('CertificateVerify truncated');
  if (!r.atEnd) return fail(`CertificateVerify has ${r.remaining} trailing bytes`);
  if (signed.signature.length === 0) return fail('CertificateVerify has an empty signature');
  return ok(signed);
}
