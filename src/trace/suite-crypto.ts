// What decrypting a cipher suite takes: the record cipher (as record-protection.ts wants it), the
// PRF / HKDF hash, the key exchange, and the key block sizes. Derived from the names registry in
// src/tls, so a suite the registry knows and Node can run needs no table entry here.
import { getCiphers } from 'node:crypto';
import { type CipherSuite, suiteById } from '../tls/index.ts';
import type { HashName } from '../wire/key-schedule.ts';
import type { KeyBlockSizes } from '../wire/prf.ts';
import type { AeadAlgorithm, CipherSpec } from '../wire/record-protection.ts';

export interface SuiteCrypto {
  readonly suite: CipherSuite;
  readonly tls13: boolean;
  readonly spec: CipherSpec;
  /** TLS 1.3: the HKDF hash; TLS 1.2: the PRF hash. */
  readonly hash: HashName;
  /** TLS 1.2 key exchange, lower-case; 'tls13' for TLS 1.3 suites. */
  readonly kx: 'rsa' | 'ecdhe' | 'dhe' | 'tls13' | 'other';
  /** TLS 1.2 key block sizes. */
  readonly sizes: KeyBlockSizes;
}

const AEADS: Readonly<Record<string, { algorithm: AeadAlgorithm; keyLength: number; tagLength: number }>> = {
  'AES-128-GCM': { algorithm: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
  'AES-256-GCM': { algorithm: 'aes-256-gcm', keyLength: 32, tagLength: 16 },
  'CHACHA20-POLY1305': { algorithm: 'chacha20-poly1305', keyLength: 32, tagLength: 16 },
  'AES-128-CCM': { algorithm: 'aes-128-ccm', keyLength: 16, tagLength: 16 },
  'AES-256-CCM': { algorithm: 'aes-256-ccm', keyLength: 32, tagLength: 16 },
  'AES-128-CCM-8': { algorithm: 'aes-128-ccm', keyLength: 16, tagLength: 8 },
  'AES-256-CCM-8': { algorithm: 'aes-256-ccm', keyLength: 32, tagLength: 8 },
};

const CBCS: Readonly<Record<string, { algorithm: string; keyLength: number; blockSize: number }>> = {
  'AES-128-CBC': { algorithm: 'aes-128-cbc', keyLength: 16, blockSize: 16 },
  'AES-256-CBC': { algorithm: 'aes-256-cbc', keyLength: 32, blockSize: 16 },
  'CAMELLIA-128-CBC': { algorithm: 'camellia-128-cbc', keyLength: 16, blockSize: 16 },
  'CAMELLIA-256-CBC': { algorithm: 'camellia-256-cbc', keyLength: 32, blockSize: 16 },
  'ARIA-128-CBC': { algorithm: 'aria-128-cbc', keyLength: 16, blockSize: 16 },
  'ARIA-256-CBC': { algorithm: 'aria-256-cbc', keyLength: 32, blockSize: 16 },
  '3DES-EDE-CBC': { algorithm: 'des-ede3-cbc', keyLength: 24, blockSize: 8 },
};

const MACS = { SHA1: ['sha1', 20], SHA256: ['sha256', 32], SHA384: ['sha384', 48] } as const;

let available: ReadonlySet<string> | undefined;
function nodeHas(name: string): boolean {
  available ??= new Set(getCiphers());
  return available.has(name);
}

/** The decryption recipe for a suite id, or why there is none. */
export function suiteCrypto(id: number): { ok: true; value: SuiteCrypto } | { ok: false; error: string } {
  const suite = suiteById(id);
  const label = `0x${id.toString(16).padStart(4, '0')}`;
  if (suite === undefined) return { ok: false, error: `cipher suite ${label} is not in tlsterm's registry` };
  const tls13 = suite.versions === 'tls13';
  const hash: HashName = suite.iana.endsWith('SHA384') ? 'sha384' : 'sha256';
  const kx = tls13
    ? 'tls13'
    : suite.kx === 'RSA' && suite.auth === 'RSA'
      ? 'rsa'
      : suite.kx === 'ECDHE'
        ? 'ecdhe'
        : suite.kx === 'DHE'
          ? 'dhe'
          : 'other';
  const aead = AEADS[suite.cipher];
  if (aead !== undefined) {
    return {
      ok: true,
      value: {
        suite,
        tls13,
        spec: { kind: 'aead', ...aead },
        hash,
        kx,
        sizes: {
          macLength: 0,
          keyLength: aead.keyLength,
          ivLength: aead.algorithm === 'chacha20-poly1305' ? 12 : 4,
        },
      },
    };
  }
  const cbc = CBCS[suite.cipher];
  const mac =
    suite.mac === 'SHA1' || suite.mac === 'SHA256' || suite.mac === 'SHA384' ? MACS[suite.mac] : undefined;
  if (cbc !== undefined && mac !== undefined && nodeHas(cbc.algorithm)) {
    return {
      ok: true,
      value: {
        suite,
        tls13,
        spec: { kind: 'cbc', ...cbc, mac: mac[0], macLength: mac[1] },
        hash,
        kx,
        sizes: { macLength: mac[1], keyLength: cbc.keyLength, ivLength: cbc.blockSize },
      },
    };
  }
  return { ok: false, error: `${suite.iana} (${suite.cipher}) is not a cipher tlsterm can decrypt` };
}
