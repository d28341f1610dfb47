// Signature schemes (TLS "signature_algorithms"): numeric id ↔ RFC 8446 name ↔ the form Node's
// `tlsSocket.getSharedSigalgs()` prints. The printed form comes from OpenSSL's NIDs, so it is not
// unique: rsa_pss_rsae_* and rsa_pss_pss_* both print 'RSA-PSS+SHAxxx', and the brainpool TLS 1.3
// schemes print like the NIST ECDSA ones. `schemeByOpenssl` returns the common (first) scheme.

export interface SignatureScheme {
  readonly id: number;
  /** IANA / RFC 8446 name, e.g. 'ecdsa_secp256r1_sha256'; also what Node's `sigalgs` option accepts. */
  readonly name: string;
  /** What `getSharedSigalgs()` prints, e.g. 'ECDSA+SHA256', 'RSA-PSS+SHA256', 'Ed25519+UNDEF'. */
  readonly openssl: string;
  /** SHA-1, SHA-224 or DSA: refused by OpenSSL's default security level. */
  readonly weak: boolean;
}

// [id, name, getSharedSigalgs() form]
type Row = readonly [number, string, string];

const ROWS: readonly Row[] = [
  [0x0201, 'rsa_pkcs1_sha1', 'RSA+SHA1'],
  [0x0202, 'dsa_sha1', 'DSA+SHA1'],
  [0x0203, 'ecdsa_sha1', 'ECDSA+SHA1'],
  [0x0301, 'rsa_sha224', 'RSA+SHA224'],
  [0x0302, 'dsa_sha224', 'DSA+SHA224'],
  [0x0303, 'ecdsa_sha224', 'ECDSA+SHA224'],
  [0x0401, 'rsa_pkcs1_sha256', 'RSA+SHA256'],
  [0x0402, 'dsa_sha256', 'DSA+SHA256'],
  [0x0403, 'ecdsa_secp256r1_sha256', 'ECDSA+SHA256'],
  [0x0501, 'rsa_pkcs1_sha384', 'RSA+SHA384'],
  [0x0502, 'dsa_sha384', 'DSA+SHA384'],
  [0x0503, 'ecdsa_secp384r1_sha384', 'ECDSA+SHA384'],
  [0x0601, 'rsa_pkcs1_sha512', 'RSA+SHA512'],
  [0x0602, 'dsa_sha512', 'DSA+SHA512'],
  [0x0603, 'ecdsa_secp521r1_sha512', 'ECDSA+SHA512'],
  [0x0804, 'rsa_pss_rsae_sha256', 'RSA-PSS+SHA256'],
  [0x0805, 'rsa_pss_rsae_sha384', 'RSA-PSS+SHA384'],
  [0x0806, 'rsa_pss_rsae_sha512', 'RSA-PSS+SHA512'],
  [0x0807, 'ed25519', 'Ed25519+UNDEF'],
  [0x0808, 'ed448', 'Ed448+UNDEF'],
  [0x0809, 'rsa_pss_pss_sha256', 'RSA-PSS+SHA256'],
  [0x080a, 'rsa_pss_pss_sha384', 'RSA-PSS+SHA384'],
  [0x080b, 'rsa_pss_pss_sha512', 'RSA-PSS+SHA512'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256', 'ECDSA+SHA256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384', 'ECDSA+SHA384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512', 'ECDSA+SHA512'],
  // ML-DSA (FIPS 204, draft-ietf-tls-mldsa); OpenSSL 3.5 prints the object's short name.
  [0x0904, 'mldsa44', 'id-ml-dsa-44+UNDEF'],
  [0x0905, 'mldsa65', 'id-ml-dsa-65+UNDEF'],
  [0x0906, 'mldsa87', 'id-ml-dsa-87+UNDEF'],
];

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = ROWS.map(([id, name, openssl]) => ({
  id,
  name,
  openssl,
  weak: /sha1$|sha224$|^dsa_/.test(name),
}));

const byId = new Map<number, SignatureScheme>();
const byOpenssl = new Map<string, SignatureScheme>();
const byName = new Map<string, SignatureScheme>();
for (const scheme of SIGNATURE_SCHEMES) {
  byId.set(scheme.id, scheme);
  byName.set(scheme.name.toLowerCase(), scheme);
  // First registration wins: the rsae / NIST variants come first in ROWS.
  const key = scheme.openssl.toLowerCase();
  if (!byOpenssl.has(key)) byOpenssl.set(key, scheme);
}

export function schemeById(id: number): SignatureScheme | undefined {
  return byId.get(id);
}

export function schemeByName(name: string): SignatureScheme | undefined {
  return byName.get(name.trim().toLowerCase());
}

/** From a `getSharedSigalgs()` entry such as 'RSA-PSS+SHA256' (case-insensitive). */
export function schemeByOpenssl(printed: string): SignatureScheme | undefined {
  return byOpenssl.get(printed.trim().toLowerCase());
}
