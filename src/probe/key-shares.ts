// TLS 1.3 key shares the prober can put in a ClientHello. A server validates a share before it
// answers (an EC point must be on the curve, an ML-KEM key well formed), so shares are real public
// keys from node:crypto. The private halves are dropped at once: the prober never finishes a
// handshake. One key per group per process is enough; servers do not mind a repeated share.
import crypto from 'node:crypto';
import { concatBytes } from '../wire/index.ts';

const cache = new Map<number, Uint8Array | null>();

const raw = (key: crypto.KeyObject): Uint8Array => new Uint8Array(key.export({ format: 'raw-public' }));

function ec(curve: string): Uint8Array {
  // raw-public of an EC key is the uncompressed point (0x04 || X || Y), as RFC 8446 §4.2.8.2 wants.
  return raw(crypto.generateKeyPairSync('ec', { namedCurve: curve }).publicKey);
}

const mlkem = (type: 'ml-kem-512' | 'ml-kem-768' | 'ml-kem-1024'): Uint8Array =>
  raw(crypto.generateKeyPairSync(type as 'ml-kem-768').publicKey);

// draft-ietf-tls-ecdhe-mlkem: X25519MLKEM768 puts the ML-KEM key first; the NIST-curve hybrids put
// the EC point first.
const MAKERS: ReadonlyMap<number, () => Uint8Array> = new Map([
  [23, () => ec('prime256v1')],
  [24, () => ec('secp384r1')],
  [25, () => ec('secp521r1')],
  [29, () => raw(crypto.generateKeyPairSync('x25519').publicKey)],
  [30, () => raw(crypto.generateKeyPairSync('x448').publicKey)],
  [31, () => ec('brainpoolP256r1')],
  [32, () => ec('brainpoolP384r1')],
  [33, () => ec('brainpoolP512r1')],
  [0x0200, () => mlkem('ml-kem-512')],
  [0x0201, () => mlkem('ml-kem-768')],
  [0x0202, () => mlkem('ml-kem-1024')],
  [0x11eb, () => concatBytes([keyShareFor(23) ?? new Uint8Array(0), mlkem('ml-kem-768')])],
  [0x11ec, () => concatBytes([mlkem('ml-kem-768'), keyShareFor(29) ?? new Uint8Array(0)])],
  [0x11ed, () => concatBytes([keyShareFor(24) ?? new Uint8Array(0), mlkem('ml-kem-1024')])],
]);

/**
 * A public key share for a group, or undefined when this Node cannot make one (FFDHE is left out
 * on purpose: the prober learns about those groups from a HelloRetryRequest instead).
 */
export function keyShareFor(group: number): Uint8Array | undefined {
  const hit = cache.get(group);
  if (hit !== undefined) return hit ?? undefined;
  const make = MAKERS.get(group);
  let share: Uint8Array | null = null;
  if (make) {
    try {
      share = make();
    } catch {
      share = null; // an OpenSSL build without this algorithm
    }
  }
  cache.set(group, share);
  return share ?? undefined;
}
