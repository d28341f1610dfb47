// RFC 8737 TLS-ALPN-01: the certificate answering a handshake that offers ALPN "acme-tls/1" for the
// name being validated. Self-signed, one dNSName SAN, and the critical acmeIdentifier extension
// (1.3.6.1.5.5.7.1.31) holding SHA-256 of the key authorization as a DER OCTET STRING.

import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import { createSelfSigned, type SelfSignedCertificate, x509 } from './self-signed.ts';

export const ACME_IDENTIFIER_OID = '1.3.6.1.5.5.7.1.31';

export type ChallengeCertificate = SelfSignedCertificate;

/** The extension's value: OCTET STRING (SIZE (32)) of SHA-256(keyAuthorization). */
export function acmeIdentifierValue(keyAuthorization: string): Buffer {
  const digest = crypto.createHash('sha256').update(keyAuthorization, 'utf8').digest();
  return Buffer.concat([Buffer.from([0x04, digest.length]), digest]);
}

export function createTlsAlpn01Certificate(
  identifier: string,
  keyAuthorization: string,
  now: Date = new Date(),
): Promise<ChallengeCertificate> {
  return createSelfSigned({
    names: [identifier],
    subject: 'CN=ACME TLS-ALPN-01 challenge',
    notBefore: new Date(now.getTime() - 60 * 60_000),
    notAfter: new Date(now.getTime() + 7 * 86_400_000),
    extensions: [new x509.Extension(ACME_IDENTIFIER_OID, true, acmeIdentifierValue(keyAuthorization))],
  });
}
