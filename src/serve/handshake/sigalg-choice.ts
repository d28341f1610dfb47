// Which signature schemes a site's keys can sign its handshake with, and the failure when the
// ClientHello's signature_algorithms leave none of them (an ECDSA-only site and a client offering
// only RSA schemes). OpenSSL reports that as raw text ("no suitable signature algorithm"); the
// parsed hello says exactly what the client offered, so the reason and detail come from it.
//
// TLS 1.3 binds an ECDSA scheme to its curve (ecdsa_secp256r1_sha256 is P-256 only) and allows RSA
// keys only with RSA-PSS; TLS 1.2 lets an ECDSA key sign with any ECDSA scheme and an RSA key with
// PKCS#1 v1.5 too. SHA-1 and SHA-224 schemes are refused by OpenSSL's default security level.

import crypto from 'node:crypto';
import type { CertificatePair } from '../../certs/pair.ts';
import { schemeById, schemeByName } from '../../tls/index.ts';
import type { ClientHello } from '../../wire/index.ts';
import type { Failure } from './failure.ts';

/** A site key as far as signing is concerned. */
export interface SigningKey {
  /** 'ECDSA P-256', 'RSA 2048', 'Ed25519', … */
  readonly label: string;
  /** Scheme names it can sign with under TLS 1.3 and TLS 1.2. */
  readonly tls13: readonly string[];
  readonly tls12: readonly string[];
}

const ECDSA_ANY = ['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512'];
const RSAE = ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512'];
const PKCS1 = ['rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512'];
const PSS = ['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512'];
const CURVES: Readonly<Record<string, { readonly label: string; readonly scheme: string }>> = {
  prime256v1: { label: 'P-256', scheme: 'ecdsa_secp256r1_sha256' },
  secp384r1: { label: 'P-384', scheme: 'ecdsa_secp384r1_sha384' },
  secp521r1: { label: 'P-521', scheme: 'ecdsa_secp521r1_sha512' },
};

/** What a public key can sign; undefined for keys we do not model (then no prediction is made). */
export function signingKeyOf(key: crypto.KeyObject): SigningKey | undefined {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = CURVES[details?.namedCurve ?? ''];
      return curve && { label: `ECDSA ${curve.label}`, tls13: [curve.scheme], tls12: ECDSA_ANY };
    }
    case 'rsa':
      return { label: `RSA ${details?.modulusLength ?? ''}`.trim(), tls13: RSAE, tls12: [...RSAE, ...PKCS1] };
    case 'rsa-pss':
      return { label: `RSA-PSS ${details?.modulusLength ?? ''}`.trim(), tls13: PSS, tls12: PSS };
    case 'ed25519':
      return { label: 'Ed25519', tls13: ['ed25519'], tls12: ['ed25519'] };
    case 'ed448':
      return { label: 'Ed448', tls13: ['ed448'], tls12: ['ed448'] };
    default:
      return undefined;
  }
}

// A site's pairs are one array until a hot reload replaces it: keys read once per array.
const cache = new WeakMap<readonly CertificatePair[], readonly SigningKey[] | undefined>();

/** The signing keys of a site's pairs; undefined when one of them is of a kind we do not model. */
export function signingKeysOf(pairs: readonly CertificatePair[]): readonly SigningKey[] | undefined {
  if (cache.has(pairs)) return cache.get(pairs);
  let keys: SigningKey[] | undefined = [];
  try {
    for (const pair of pairs) {
      const key = signingKeyOf(new crypto.X509Certificate(pair.certPem).publicKey);
      if (key === undefined) {
        keys = undefined;
        break;
      }
      keys.push(key);
    }
  } catch {
    keys = undefined;
  }
  cache.set(pairs, keys);
  return keys;
}

const schemeName = (id: number): string => schemeById(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;

/**
 * no_common_signature_algorithm when the hello's signature_algorithms (sent: without it TLS 1.2
 * falls back to SHA-1 defaults we do not predict) hold no scheme any of the site's keys can sign
 * with at `version`; undefined otherwise.
 */
export function signatureMismatch(
  hello: ClientHello,
  version: 'TLS1.2' | 'TLS1.3',
  keys: readonly SigningKey[],
): Failure | undefined {
  const offered = hello.signatureAlgorithms;
  if (offered.length === 0 || keys.length === 0) return undefined;
  const usable = offered.filter((id) => schemeById(id)?.weak !== true);
  const signable = new Set(keys.flatMap((k) => (version === 'TLS1.3' ? k.tls13 : k.tls12)));
  if (usable.some((id) => signable.has(schemeName(id)))) return undefined;
  const ours = [...signable].filter((name) => schemeByName(name) !== undefined);
  const plural = keys.length > 1 ? "this site's keys" : "this site's key";
  return {
    reason: 'no_common_signature_algorithm',
    detail: `no signature algorithm in common for ${version}: client offered ${offered.map(schemeName).join(', ')}; ${plural} (${keys.map((k) => k.label).join(', ')}) sign ${ours.join(', ')}`,
  };
}
