// The CertID that names a certificate to an OCSP responder (RFC 6960 §4.1.1): hashes of its
// issuer's name and key, and its serial number, read straight from the DER (no re-encoding).

import crypto from 'node:crypto';
import {
  children,
  derOctets,
  derOid,
  derSequence,
  derTlv,
  readTlv,
  type Tlv,
  tlvBytes,
} from '../../wire/index.ts';

export interface CertId {
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** The serial's INTEGER contents. */
  readonly serial: Uint8Array;
}

/** Hash algorithms a CertID may name: dotted OID → node:crypto name. */
export const CERT_ID_HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** SHA-1: what every responder answers (RFC 5019 §2.1.1), and what we ask with. */
export const SHA1_OID = '1.3.14.3.2.26';

/** TBSCertificate's fields: [0] version (optional), serial, signature, issuer, validity, subject, spki. */
function tbsFields(certDer: Uint8Array): Tlv[] | undefined {
  const cert = readTlv(certDer);
  const tbs = cert?.tag === 0x30 ? children(cert.value)?.[0] : undefined;
  const fields = tbs?.tag === 0x30 ? children(tbs.value) : undefined;
  if (!fields) return undefined;
  return fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
}

/** The parts of a CertID that do not depend on the hash: the serial, the issuer's name and key. */
export interface CertIdSource {
  readonly serial: Uint8Array;
  /** The issuer's subject Name, DER. */
  readonly issuerName: Uint8Array;
  /** The issuer's subjectPublicKey BIT STRING contents, without the unused-bits byte. */
  readonly issuerKey: Uint8Array;
}

/** Undefined when either certificate is not DER we can read. */
export function certIdSource(leafDer: Uint8Array, issuerDer: Uint8Array): CertIdSource | undefined {
  const leaf = tbsFields(leafDer);
  const issuer = tbsFields(issuerDer);
  const serial = leaf?.[0];
  const name = issuer?.[4];
  const spki = issuer?.[5]?.tag === 0x30 ? children(issuer[5].value) : undefined;
  const key = spki?.[1];
  if (serial?.tag !== 0x02 || name?.tag !== 0x30 || key?.tag !== 0x03) return undefined;
  return { serial: serial.value, issuerName: tlvBytes(name), issuerKey: key.value.subarray(1) };
}

export function certIdWith(source: CertIdSource, hash: string): CertId {
  const digest = (b: Uint8Array) => new Uint8Array(crypto.createHash(hash).update(b).digest());
  return {
    issuerNameHash: digest(source.issuerName),
    issuerKeyHash: digest(source.issuerKey),
    serial: source.serial,
  };
}

/** The DER OCSPRequest for one certificate (SHA-1 CertID), with a nonce extension when given. */
export function buildOcspRequest(source: CertIdSource, nonce?: Uint8Array): Uint8Array {
  const id = certIdWith(source, 'sha1');
  const certId = derSequence(
    derSequence(derOid(SHA1_OID), Uint8Array.of(0x05, 0x00)),
    derOctets(id.issuerNameHash),
    derOctets(id.issuerKeyHash),
    derTlv(0x02, id.serial),
  );
  const extensions =
    nonce === undefined
      ? []
      : [derTlv(0xa2, derSequence(derSequence(derOid('1.3.6.1.5.5.7.48.1.2'), derOctets(derOctets(nonce)))))];
  return derSequence(derSequence(derSequence(derSequence(certId)), ...extensions));
}

const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether a SingleResponse's CertID names this certificate (under the hash it uses). */
export function sameCertId(source: CertIdSource, single: { readonly hashOid: string } & CertId): boolean {
  const hash = CERT_ID_HASHES[single.hashOid];
  if (hash === undefined || !equal(single.serial, source.serial)) return false;
  const id = certIdWith(source, hash);
  return equal(id.issuerNameHash, single.issuerNameHash) && equal(id.issuerKeyHash, single.issuerKeyHash);
}
