// Whether an OCSP response may be stapled for a certificate (RFC 6960 §3.2): the responder said
// "successful", one SingleResponse names this certificate, the signature is the issuer's or a
// delegated responder's (a certificate the issuer signed for id-kp-OCSPSigning, valid now), and its
// window is sane (thisUpdate not in the future, nextUpdate not past). Pure: the clock is an argument.

import crypto from 'node:crypto';
import { type CertIdSource, sameCertId } from './cert-id.ts';
import { type CertStatus, readOcspResponse } from './response.ts';

export interface VerifiedOcsp {
  readonly ok: true;
  readonly status: CertStatus;
  /** Epoch ms. */
  readonly thisUpdate: number;
  /** Epoch ms; a response without one is taken as good for an hour from thisUpdate. */
  readonly nextUpdate: number;
  readonly revocationTime?: string;
  /** 'issuer', or the delegated responder's subject. */
  readonly signer: string;
}

export type OcspRejection =
  | 'unparsable'
  | 'not_successful'
  | 'no_matching_response'
  | 'bad_signature'
  | 'unsupported_signature'
  | 'not_yet_valid'
  | 'expired'
  | 'nonce_mismatch';

export type OcspVerdict =
  | VerifiedOcsp
  | { readonly ok: false; readonly reason: OcspRejection; readonly detail: string };

/** signatureAlgorithm → the hash node:crypto.verify takes (null: the algorithm's own, EdDSA). */
const SIGNATURE_HASHES: Readonly<Record<string, string | null>> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Clock skew allowed between us and the responder. */
const SKEW_MS = 5 * 60_000;
const NO_NEXT_UPDATE_MS = 60 * 60_000;

const verifies = (key: crypto.KeyObject, hash: string | null, data: Uint8Array, sig: Uint8Array): boolean => {
  try {
    return crypto.verify(hash, data, key, sig);
  } catch {
    return false;
  }
};

function delegatedBy(
  der: Uint8Array,
  issuer: crypto.X509Certificate,
  now: number,
): crypto.X509Certificate | undefined {
  try {
    const cert = new crypto.X509Certificate(der);
    const usages = cert.keyUsage ?? [];
    const current = cert.validFromDate.getTime() <= now + SKEW_MS && now <= cert.validToDate.getTime();
    if (cert.checkIssued(issuer) && cert.verify(issuer.publicKey) && usages.includes(OCSP_SIGNING) && current)
      return cert;
  } catch {
    // Not a certificate: not a signer.
  }
  return undefined;
}

const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const reject = (reason: OcspRejection, detail: string): OcspVerdict => ({ ok: false, reason, detail });

export interface VerifyInput {
  readonly der: Uint8Array;
  readonly certId: CertIdSource;
  readonly issuer: crypto.X509Certificate;
  /** Epoch ms. */
  readonly now: number;
  /** The nonce we sent; a response that echoes a different one is refused. */
  readonly nonce?: Uint8Array;
}

export function verifyOcspResponse(input: VerifyInput): OcspVerdict {
  const { now } = input;
  const response = readOcspResponse(input.der);
  if (response.responseStatus === 'unparsable') return reject('unparsable', 'not an OCSP response');
  const basic = response.basic;
  if (!basic) return reject('not_successful', `the responder answered ${response.responseStatus}`);
  const single = basic.responses.find((r) => sameCertId(input.certId, r));
  if (!single) return reject('no_matching_response', 'no SingleResponse for this certificate');
  const hash = SIGNATURE_HASHES[basic.signatureOid];
  if (hash === undefined) return reject('unsupported_signature', `signature algorithm ${basic.signatureOid}`);
  let signer: string | undefined;
  if (verifies(input.issuer.publicKey, hash, basic.tbs, basic.signature)) signer = 'issuer';
  else
    for (const der of basic.certs) {
      const delegate = delegatedBy(der, input.issuer, now);
      if (delegate && verifies(delegate.publicKey, hash, basic.tbs, basic.signature)) {
        signer = delegate.subject.split('\n').join(', ');
        break;
      }
    }
  if (signer === undefined)
    return reject('bad_signature', 'signed by neither the issuer nor a responder it authorised');
  if (input.nonce && basic.nonce && !equal(input.nonce, basic.nonce))
    return reject('nonce_mismatch', 'the response answers another request');
  const thisUpdate = Date.parse(single.thisUpdate);
  const nextUpdate =
    single.nextUpdate !== undefined ? Date.parse(single.nextUpdate) : thisUpdate + NO_NEXT_UPDATE_MS;
  if (thisUpdate > now + SKEW_MS) return reject('not_yet_valid', `thisUpdate ${single.thisUpdate} is ahead`);
  if (nextUpdate <= now || nextUpdate < thisUpdate)
    return reject('expired', `nextUpdate ${new Date(nextUpdate).toISOString()} has passed`);
  return {
    ok: true,
    status: single.status,
    thisUpdate,
    nextUpdate,
    ...(single.revocationTime !== undefined ? { revocationTime: single.revocationTime } : {}),
    signer,
  };
}
