// What a private key is (its type for the pair, whether it is too weak) and whether it belongs to
// a certificate. Key material is only inspected, never rendered.
import type crypto from 'node:crypto';
import type { CertificatePair } from './pair.ts';

/** checkPrivateKey can throw for key/certificate algorithm pairs OpenSSL cannot compare. */
export const keyMatches = (cert: crypto.X509Certificate, key: crypto.KeyObject): boolean => {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
};

export function keyTypeOf(key: crypto.KeyObject): CertificatePair['keyType'] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return 'rsa';
    case 'ec':
      return 'ec';
    case 'ed25519':
      return 'ed25519';
    case 'ed448':
      return 'ed448';
    default:
      return 'other';
  }
}

/** A key's strength problem, if any: RSA below 2048 bits, EC below 256 bits. */
export function weakKeyReason(key: crypto.KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails;
  if ((key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && details?.modulusLength) {
    return details.modulusLength < 2048
      ? `RSA key of ${details.modulusLength} bits (minimum 2048)`
      : undefined;
  }
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve) {
    const bits = Number(/\d+/.exec(details.namedCurve)?.[0] ?? '0');
    return bits > 0 && bits < 256 ? `EC key on ${details.namedCurve} (${bits} bits; minimum 256)` : undefined;
  }
  return undefined;
}
