// CertificateRequest before TLS 1.3 (RFC 5246 §7.4.4; RFC 2246/4346 §7.4.4): the certificate
// types and CA names the server wants from the client, and from TLS 1.2 on the signature schemes
// it accepts. TLS 1.0 and 1.1 have no schemes field; reading one there would misread the CA list.
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';

export interface CertificateRequest {
  /** ClientCertificateType values (1 rsa_sign, 2 dss_sign, 64 ecdsa_sign, …). */
  readonly certificateTypes: readonly number[];
  /** SignatureScheme ids; null before TLS 1.2 (the version fixes them). */
  readonly signatureSchemes: readonly number[] | null;
  /** DER-encoded DistinguishedNames of acceptable CAs (may be empty). */
  readonly authorities: readonly Uint8Array[];
}

const TLS12 = 0x0303;

export function parseCertificateRequest(body: Uint8Array, version: number): ParseResult<CertificateRequest> {
  const r = new Reader(body);
  const certificateTypes = [...r.vec8()];
  let signatureSchemes: number[] | null = null;
  if (version >= TLS12) {
    const schemes = r.vec16();
    if (schemes.length % 2 !== 0) return fail('CertificateRequest signature schemes of odd length');
    signatureSchemes = [];
    for (let i = 0; i < schemes.length; i += 2) signatureSchemes.push((schemes[i]! << 8) | schemes[i + 1]!);
  }
  const names = new Reader(r.vec16());
  const authorities: Uint8Array[] = [];
  while (!names.atEnd && !names.failed) authorities.push(names.vec16());
  if (r.failed || names.failed) return fail('CertificateRequest truncated');
  if (!r.atEnd) return fail(`CertificateRequest has ${r.remaining} trailing bytes`);
  return ok({ certificateTypes, signatureSchemes, authorities });
}
