// A cipher suite as the report shows it: ids and names from the registry, a strength label, and
// the symmetric key size the grading rubric scores.
import { type CipherSuite, suiteById } from '../tls/index.ts';
import type { SuiteFinding } from './report.ts';

/** Effective symmetric key bits of a registry cipher name ('AES-128-GCM', '3DES-EDE-CBC', …). */
export function cipherBits(cipher: string): number {
  if (cipher === 'NULL' || cipher === 'NONE') return 0;
  if (cipher.startsWith('3DES')) return 112; // meet-in-the-middle: 168-bit key, 112-bit strength
  if (cipher.startsWith('DES40') || /_?40$|-40$/.test(cipher)) return 40;
  if (cipher.startsWith('DES')) return 56;
  if (cipher.startsWith('CHACHA20')) return 256;
  if (cipher.startsWith('IDEA') || cipher.startsWith('SEED')) return 128;
  const bits = /(\d{2,3})/.exec(cipher)?.[1];
  return bits === undefined ? 128 : Number(bits);
}

export function suiteBits(s: CipherSuite): number {
  // Export suites: 40-bit (or 56-bit for the EXPORT1024 ones) whatever the cipher name says.
  if (/EXPORT1024/.test(s.iana)) return 56;
  if (/EXPORT/.test(s.iana)) return 40;
  return cipherBits(s.cipher);
}

export function suiteLabel(s: CipherSuite): string {
  if (s.strength === 'weak') return 'weak';
  const base = s.aead ? 'AEAD' : 'CBC';
  return s.pfs ? `${base}/PFS` : base;
}

export const hexId = (id: number): string => `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;

export function suiteFinding(id: number): SuiteFinding {
  const s = suiteById(id);
  if (!s) {
    return {
      id: hexId(id),
      iana: `unknown_${hexId(id)}`,
      openssl: null,
      strength: 'weak',
      label: 'unknown',
      pfs: false,
      aead: false,
      bits: 0,
    };
  }
  return {
    id: hexId(id),
    iana: s.iana,
    openssl: s.openssl ?? null,
    strength: s.strength,
    label: suiteLabel(s),
    pfs: s.pfs,
    aead: s.aead,
    bits: suiteBits(s),
  };
}
