// Cipher suite registry: numeric id ↔ IANA name ↔ OpenSSL name, plus the facts a terminator, `inspect`
// and a prober need (key exchange, authentication, AEAD, forward secrecy, strength).
// Ids and IANA names follow the IANA "TLS Cipher Suites" registry; OpenSSL names are what
// `openssl ciphers -V` prints (undefined where OpenSSL never implemented the suite).
// Only id, IANA name and OpenSSL name are written down; every other field is derived from the IANA
// name, whose grammar (TLS_<kx>_<auth>_WITH_<cipher>_<mac>) encodes them.

import { closestNames } from './suggest.ts';

export type SuiteVersions = 'tls13' | 'tls12' | 'legacy';
/** Key exchange. 'any' = TLS 1.3 (negotiated separately); 'anon' only for TLS_NULL_WITH_NULL_NULL. */
export type SuiteKx = 'ECDHE' | 'DHE' | 'RSA' | 'PSK' | 'ECDH' | 'DH' | 'anon' | 'any';
export type SuiteAuth = 'ECDSA' | 'RSA' | 'DSS' | 'anon' | 'PSK' | 'any';
export type SuiteMac = 'AEAD' | 'SHA1' | 'SHA256' | 'SHA384' | 'MD5' | 'NULL';
export type SuiteStrength = 'strong' | 'cbc' | 'weak';

export interface CipherSuite {
  readonly id: number;
  readonly iana: string;
  readonly openssl: string | undefined;
  /** 'tls13': TLS 1.3 only; 'tls12': TLS 1.2 only; 'legacy': TLS ≤ 1.1 and 1.2. */
  readonly versions: SuiteVersions;
  readonly kx: SuiteKx;
  readonly auth: SuiteAuth;
  /** Bulk cipher, e.g. 'AES-128-GCM', 'CHACHA20-POLY1305', '3DES-EDE-CBC', 'NULL'. */
  readonly cipher: string;
  readonly mac: SuiteMac;
  readonly aead: boolean;
  /** Forward secrecy: ephemeral (EC)DH, or any TLS 1.3 suite. */
  readonly pfs: boolean;
  /** weak = RC4, 3DES, DES, RC2, IDEA, EXPORT, NULL, anonymous, MD5; cbc = sound but MAC-then-encrypt. */
  readonly strength: SuiteStrength;
  /** SCSVs (0x00FF, 0x5600) are flags in the cipher list, never negotiated. */
  readonly signalling: boolean;
}

// [id, IANA name, OpenSSL name]
type Row = readonly [number, string, string | undefined];

const ROWS: readonly Row[] = [
  // TLS 1.3 (RFC 8446): OpenSSL uses the IANA names.
  [0x1301, 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256', 'TLS_AES_128_CCM_8_SHA256'],
  // Signalling cipher suite values.
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV', undefined],
  [0x5600, 'TLS_FALLBACK_SCSV', undefined],
  // RSA key transport.
  [0x0000, 'TLS_NULL_WITH_NULL_NULL', undefined],
  [0x0001, 'TLS_RSA_WITH_NULL_MD5', 'NULL-MD5'],
  [0x0002, 'TLS_RSA_WITH_NULL_SHA', 'NULL-SHA'],
  [0x003b, 'TLS_RSA_WITH_NULL_SHA256', 'NULL-SHA256'],
  [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', 'EXP-RC4-MD5'],
  [0x0004, 'TLS_RSA_WITH_RC4_128_MD5', 'RC4-MD5'],
  [0x0005, 'TLS_RSA_WITH_RC4_128_SHA', 'RC4-SHA'],
  [0x0006, 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5', 'EXP-RC2-CBC-MD5'],
  [0x0007, 'TLS_RSA_WITH_IDEA_CBC_SHA', 'IDEA-CBC-SHA'],
  [0x0008, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA', 'EXP-DES-CBC-SHA'],
  [0x0009, 'TLS_RSA_WITH_DES_CBC_SHA', 'DES-CBC-SHA'],
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA'],
  [0x0062, 'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA', 'EXP1024-DES-CBC-SHA'],
  [0x0064, 'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA', 'EXP1024-RC4-SHA'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256'],
  [0x0041, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA', 'CAMELLIA128-SHA'],
  [0x0084, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA', 'CAMELLIA256-SHA'],
  [0x00ba, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256', 'CAMELLIA128-SHA256'],
  [0x00c0, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256', 'CAMELLIA256-SHA256'],
  [0x0096, 'TLS_RSA_WITH_SEED_CBC_SHA', 'SEED-SHA'],
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  [0xc03c, 'TLS_RSA_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc03d, 'TLS_RSA_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc050, 'TLS_RSA_WITH_ARIA_128_GCM_SHA256', 'ARIA128-GCM-SHA256'],
  [0xc051, 'TLS_RSA_WITH_ARIA_256_GCM_SHA384', 'ARIA256-GCM-SHA384'],
  [0xc07a, 'TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc07b, 'TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM', 'AES128-CCM'],
  [0xc09d, 'TLS_RSA_WITH_AES_256_CCM', 'AES256-CCM'],
  [0xc0a0, 'TLS_RSA_WITH_AES_128_CCM_8', 'AES128-CCM8'],
  [0xc0a1, 'TLS_RSA_WITH_AES_256_CCM_8', 'AES256-CCM8'],
  // Static DH (certificate carries the DH key); removed from OpenSSL 1.1.0.
  [0x000d, 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA', 'DH-DSS-DES-CBC3-SHA'],
  [0x0010, 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA', 'DH-RSA-DES-CBC3-SHA'],
  [0x0030, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA', 'DH-DSS-AES128-SHA'],
  [0x0031, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA', 'DH-RSA-AES128-SHA'],
  [0x0036, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA', 'DH-DSS-AES256-SHA'],
  [0x0037, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA', 'DH-RSA-AES256-SHA'],
  [0x00a0, 'TLS_DH_RSA_WITH_AES_128_GCM_SHA256', 'DH-RSA-AES128-GCM-SHA256'],
  [0x00a1, 'TLS_DH_RSA_WITH_AES_256_GCM_SHA384', 'DH-RSA-AES256-GCM-SHA384'],
  // DHE with DSS certificates.
  [0x0011, 'TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA', 'EXP-EDH-DSS-DES-CBC-SHA'],
  [0x0012, 'TLS_DHE_DSS_WITH_DES_CBC_SHA', 'EDH-DSS-DES-CBC-SHA'],
  [0x0013, 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA', 'EDH-DSS-DES-CBC3-SHA'],
  [0x0066, 'TLS_DHE_DSS_WITH_RC4_128_SHA', 'DHE-DSS-RC4-SHA'],
  [0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA', 'DHE-DSS-AES128-SHA'],
  [0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA', 'DHE-DSS-AES256-SHA'],
  [0x0040, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256', 'DHE-DSS-AES128-SHA256'],
  [0x006a, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256', 'DHE-DSS-AES256-SHA256'],
  [0x0044, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA', 'DHE-DSS-CAMELLIA128-SHA'],
  [0x0087, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA', 'DHE-DSS-CAMELLIA256-SHA'],
  [0x00bd, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256', 'DHE-DSS-CAMELLIA128-SHA256'],
  [0x00c3, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256', 'DHE-DSS-CAMELLIA256-SHA256'],
  [0x0099, 'TLS_DHE_DSS_WITH_SEED_CBC_SHA', 'DHE-DSS-SEED-SHA'],
  [0x00a2, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256', 'DHE-DSS-AES128-GCM-SHA256'],
  [0x00a3, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384', 'DHE-DSS-AES256-GCM-SHA384'],
  [0xc056, 'TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256', 'DHE-DSS-ARIA128-GCM-SHA256'],
  [0xc057, 'TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384', 'DHE-DSS-ARIA256-GCM-SHA384'],
  // DHE with RSA certificates.
  [0x0014, 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA', 'EXP-EDH-RSA-DES-CBC-SHA'],
  [0x0015, 'TLS_DHE_RSA_WITH_DES_CBC_SHA', 'EDH-RSA-DES-CBC-SHA'],
  [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 'EDH-RSA-DES-CBC3-SHA'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'DHE-RSA-AES256-SHA'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'DHE-RSA-AES128-SHA256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'DHE-RSA-AES256-SHA256'],
  [0x0045, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA', 'DHE-RSA-CAMELLIA128-SHA'],
  [0x0088, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA', 'DHE-RSA-CAMELLIA256-SHA'],
  [0x00be, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', 'DHE-RSA-CAMELLIA128-SHA256'],
  [0x00c4, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256', 'DHE-RSA-CAMELLIA256-SHA256'],
  [0x009a, 'TLS_DHE_RSA_WITH_SEED_CBC_SHA', 'DHE-RSA-SEED-SHA'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384'],
  [0xc044, 'TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc045, 'TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc052, 'TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256', 'DHE-RSA-ARIA128-GCM-SHA256'],
  [0xc053, 'TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384', 'DHE-RSA-ARIA256-GCM-SHA384'],
  [0xc07c, 'TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc07d, 'TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc09e, 'TLS_DHE_RSA_WITH_AES_128_CCM', 'DHE-RSA-AES128-CCM'],
  [0xc09f, 'TLS_DHE_RSA_WITH_AES_256_CCM', 'DHE-RSA-AES256-CCM'],
  [0xc0a2, 'TLS_DHE_RSA_WITH_AES_128_CCM_8', 'DHE-RSA-AES128-CCM8'],
  [0xc0a3, 'TLS_DHE_RSA_WITH_AES_256_CCM_8', 'DHE-RSA-AES256-CCM8'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305'],
  // Anonymous DH: no server authentication at all.
  [0x0017, 'TLS_DH_anon_EXPORT_WITH_RC4_40_MD5', 'EXP-ADH-RC4-MD5'],
  [0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5', 'ADH-RC4-MD5'],
  [0x0019, 'TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA', 'EXP-ADH-DES-CBC-SHA'],
  [0x001a, 'TLS_DH_anon_WITH_DES_CBC_SHA', 'ADH-DES-CBC-SHA'],
  [0x001b, 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA', 'ADH-DES-CBC3-SHA'],
  [0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 'ADH-AES128-SHA'],
  [0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA', 'ADH-AES256-SHA'],
  [0x006c, 'TLS_DH_anon_WITH_AES_128_CBC_SHA256', 'ADH-AES128-SHA256'],
  [0x006d, 'TLS_DH_anon_WITH_AES_256_CBC_SHA256', 'ADH-AES256-SHA256'],
  [0x0046, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA', 'ADH-CAMELLIA128-SHA'],
  [0x0089, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA', 'ADH-CAMELLIA256-SHA'],
  [0x00bf, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256', 'ADH-CAMELLIA128-SHA256'],
  [0x00c5, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256', 'ADH-CAMELLIA256-SHA256'],
  [0x009b, 'TLS_DH_anon_WITH_SEED_CBC_SHA', 'ADH-SEED-SHA'],
  [0x00a6, 'TLS_DH_anon_WITH_AES_128_GCM_SHA256', 'ADH-AES128-GCM-SHA256'],
  [0x00a7, 'TLS_DH_anon_WITH_AES_256_GCM_SHA384', 'ADH-AES256-GCM-SHA384'],
  // Static ECDH (certificate carries the ECDH key); removed from OpenSSL 1.1.0.
  [0xc001, 'TLS_ECDH_ECDSA_WITH_NULL_SHA', 'ECDH-ECDSA-NULL-SHA'],
  [0xc002, 'TLS_ECDH_ECDSA_WITH_RC4_128_SHA', 'ECDH-ECDSA-RC4-SHA'],
  [0xc003, 'TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA', 'ECDH-ECDSA-DES-CBC3-SHA'],
  [0xc004, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA', 'ECDH-ECDSA-AES128-SHA'],
  [0xc005, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA', 'ECDH-ECDSA-AES256-SHA'],
  [0xc00b, 'TLS_ECDH_RSA_WITH_NULL_SHA', 'ECDH-RSA-NULL-SHA'],
  [0xc00c, 'TLS_ECDH_RSA_WITH_RC4_128_SHA', 'ECDH-RSA-RC4-SHA'],
  [0xc00d, 'TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA', 'ECDH-RSA-DES-CBC3-SHA'],
  [0xc00e, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA', 'ECDH-RSA-AES128-SHA'],
  [0xc00f, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA', 'ECDH-RSA-AES256-SHA'],
  [0xc025, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDH-ECDSA-AES128-SHA256'],
  [0xc026, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDH-ECDSA-AES256-SHA384'],
  [0xc029, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256', 'ECDH-RSA-AES128-SHA256'],
  [0xc02a, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384', 'ECDH-RSA-AES256-SHA384'],
  [0xc02d, 'TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDH-ECDSA-AES128-GCM-SHA256'],
  [0xc02e, 'TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDH-ECDSA-AES256-GCM-SHA384'],
  [0xc031, 'TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256', 'ECDH-RSA-AES128-GCM-SHA256'],
  [0xc032, 'TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384', 'ECDH-RSA-AES256-GCM-SHA384'],
  // ECDHE with ECDSA certificates.
  [0xc006, 'TLS_ECDHE_ECDSA_WITH_NULL_SHA', 'ECDHE-ECDSA-NULL-SHA'],
  [0xc007, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'ECDHE-ECDSA-RC4-SHA'],
  [0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA', 'ECDHE-ECDSA-DES-CBC3-SHA'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDHE-ECDSA-AES256-SHA384'],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  [0xc048, 'TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc049, 'TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc05c, 'TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256', 'ECDHE-ECDSA-ARIA128-GCM-SHA256'],
  [0xc05d, 'TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384', 'ECDHE-ECDSA-ARIA256-GCM-SHA384'],
  [0xc072, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256', 'ECDHE-ECDSA-CAMELLIA128-SHA256'],
  [0xc073, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384', 'ECDHE-ECDSA-CAMELLIA256-SHA384'],
  [0xc086, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc087, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', 'ECDHE-ECDSA-AES128-CCM'],
  [0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM', 'ECDHE-ECDSA-AES256-CCM'],
  [0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', 'ECDHE-ECDSA-AES128-CCM8'],
  [0xc0af, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8', 'ECDHE-ECDSA-AES256-CCM8'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  // ECDHE with RSA certificates.
  [0xc010, 'TLS_ECDHE_RSA_WITH_NULL_SHA', 'ECDHE-RSA-NULL-SHA'],
  [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'ECDHE-RSA-RC4-SHA'],
  [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'ECDHE-RSA-DES-CBC3-SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ECDHE-RSA-AES256-SHA384'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  [0xc04c, 'TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc04d, 'TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384', undefined],
  // OpenSSL's names for these two drop the "RSA" (historical accident, kept for compatibility).
  [0xc060, 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256', 'ECDHE-ARIA128-GCM-SHA256'],
  [0xc061, 'TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384', 'ECDHE-ARIA256-GCM-SHA384'],
  [0xc076, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', 'ECDHE-RSA-CAMELLIA128-SHA256'],
  [0xc077, 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384', 'ECDHE-RSA-CAMELLIA256-SHA384'],
  [0xc08a, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc08b, 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  // Anonymous ECDH.
  [0xc015, 'TLS_ECDH_anon_WITH_NULL_SHA', 'AECDH-NULL-SHA'],
  [0xc016, 'TLS_ECDH_anon_WITH_RC4_128_SHA', 'AECDH-RC4-SHA'],
  [0xc017, 'TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA', 'AECDH-DES-CBC3-SHA'],
  [0xc018, 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA', 'AECDH-AES128-SHA'],
  [0xc019, 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA', 'AECDH-AES256-SHA'],
  // Pre-shared keys (RFC 4279, 5487, 5489, 6655, 7905).
  [0x002c, 'TLS_PSK_WITH_NULL_SHA', 'PSK-NULL-SHA'],
  [0x00b0, 'TLS_PSK_WITH_NULL_SHA256', 'PSK-NULL-SHA256'],
  [0x00b1, 'TLS_PSK_WITH_NULL_SHA384', 'PSK-NULL-SHA384'],
  [0x008a, 'TLS_PSK_WITH_RC4_128_SHA', 'PSK-RC4-SHA'],
  [0x008b, 'TLS_PSK_WITH_3DES_EDE_CBC_SHA', 'PSK-3DES-EDE-CBC-SHA'],
  [0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA', 'PSK-AES128-CBC-SHA'],
  [0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA', 'PSK-AES256-CBC-SHA'],
  [0x00ae, 'TLS_PSK_WITH_AES_128_CBC_SHA256', 'PSK-AES128-CBC-SHA256'],
  [0x00af, 'TLS_PSK_WITH_AES_256_CBC_SHA384', 'PSK-AES256-CBC-SHA384'],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256', 'PSK-AES128-GCM-SHA256'],
  [0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384', 'PSK-AES256-GCM-SHA384'],
  [0xc0a4, 'TLS_PSK_WITH_AES_128_CCM', 'PSK-AES128-CCM'],
  [0xc0a5, 'TLS_PSK_WITH_AES_256_CCM', 'PSK-AES256-CCM'],
  [0xc0a8, 'TLS_PSK_WITH_AES_128_CCM_8', 'PSK-AES128-CCM8'],
  [0xc0a9, 'TLS_PSK_WITH_AES_256_CCM_8', 'PSK-AES256-CCM8'],
  [0xccab, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256', 'PSK-CHACHA20-POLY1305'],
  [0x0090, 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA', 'DHE-PSK-AES128-CBC-SHA'],
  [0x0091, 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA', 'DHE-PSK-AES256-CBC-SHA'],
  [0x00aa, 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256', 'DHE-PSK-AES128-GCM-SHA256'],
  [0x00ab, 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384', 'DHE-PSK-AES256-GCM-SHA384'],
  [0xccad, 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'DHE-PSK-CHACHA20-POLY1305'],
  [0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA', 'ECDHE-PSK-AES128-CBC-SHA'],
  [0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA', 'ECDHE-PSK-AES256-CBC-SHA'],
  [0xc037, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256', 'ECDHE-PSK-AES128-CBC-SHA256'],
  [0xc038, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384', 'ECDHE-PSK-AES256-CBC-SHA384'],
  [0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-PSK-CHACHA20-POLY1305'],
  [0x0094, 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA', 'RSA-PSK-AES128-CBC-SHA'],
  [0x0095, 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA', 'RSA-PSK-AES256-CBC-SHA'],
  [0x00ac, 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256', 'RSA-PSK-AES128-GCM-SHA256'],
  [0x00ad, 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384', 'RSA-PSK-AES256-GCM-SHA384'],
  [0xccae, 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256', 'RSA-PSK-CHACHA20-POLY1305'], // Appended for the prober (tlsterm probe offers every registered suite, as testssl.sh does):
  // static DH removed from OpenSSL 1.1.0 (OpenSSL 1.0.2 names), the rest of the PSK family, and
  // the ARIA/CAMELLIA/CCM code points OpenSSL never implemented (no OpenSSL name).
  [0x000b, 'TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA', 'EXP-DH-DSS-DES-CBC-SHA'],
  [0x000c, 'TLS_DH_DSS_WITH_DES_CBC_SHA', 'DH-DSS-DES-CBC-SHA'],
  [0x000e, 'TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA', 'EXP-DH-RSA-DES-CBC-SHA'],
  [0x000f, 'TLS_DH_RSA_WITH_DES_CBC_SHA', 'DH-RSA-DES-CBC-SHA'],
  [0x003e, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA256', 'DH-DSS-AES128-SHA256'],
  [0x003f, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA256', 'DH-RSA-AES128-SHA256'],
  [0x0042, 'TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA', 'DH-DSS-CAMELLIA128-SHA'],
  [0x0043, 'TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA', 'DH-RSA-CAMELLIA128-SHA'],
  [0x0068, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA256', 'DH-DSS-AES256-SHA256'],
  [0x0069, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA256', 'DH-RSA-AES256-SHA256'],
  [0x0085, 'TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA', 'DH-DSS-CAMELLIA256-SHA'],
  [0x0086, 'TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA', 'DH-RSA-CAMELLIA256-SHA'],
  [0x0097, 'TLS_DH_DSS_WITH_SEED_CBC_SHA', 'DH-DSS-SEED-SHA'],
  [0x0098, 'TLS_DH_RSA_WITH_SEED_CBC_SHA', 'DH-RSA-SEED-SHA'],
  [0x00a4, 'TLS_DH_DSS_WITH_AES_128_GCM_SHA256', 'DH-DSS-AES128-GCM-SHA256'],
  [0x00a5, 'TLS_DH_DSS_WITH_AES_256_GCM_SHA384', 'DH-DSS-AES256-GCM-SHA384'],
  [0x00bb, 'TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256', undefined],
  [0x00bc, 'TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256', undefined],
  [0x00c1, 'TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256', undefined],
  [0x00c2, 'TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256', undefined],
  [0x002d, 'TLS_DHE_PSK_WITH_NULL_SHA', 'DHE-PSK-NULL-SHA'],
  [0x002e, 'TLS_RSA_PSK_WITH_NULL_SHA', 'RSA-PSK-NULL-SHA'],
  [0x008e, 'TLS_DHE_PSK_WITH_RC4_128_SHA', 'DHE-PSK-RC4-SHA'],
  [0x008f, 'TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA', 'DHE-PSK-3DES-EDE-CBC-SHA'],
  [0x0092, 'TLS_RSA_PSK_WITH_RC4_128_SHA', 'RSA-PSK-RC4-SHA'],
  [0x0093, 'TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA', 'RSA-PSK-3DES-EDE-CBC-SHA'],
  [0x00b2, 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA256', 'DHE-PSK-AES128-CBC-SHA256'],
  [0x00b3, 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA384', 'DHE-PSK-AES256-CBC-SHA384'],
  [0x00b4, 'TLS_DHE_PSK_WITH_NULL_SHA256', 'DHE-PSK-NULL-SHA256'],
  [0x00b5, 'TLS_DHE_PSK_WITH_NULL_SHA384', 'DHE-PSK-NULL-SHA384'],
  [0x00b6, 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA256', 'RSA-PSK-AES128-CBC-SHA256'],
  [0x00b7, 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA384', 'RSA-PSK-AES256-CBC-SHA384'],
  [0x00b8, 'TLS_RSA_PSK_WITH_NULL_SHA256', 'RSA-PSK-NULL-SHA256'],
  [0x00b9, 'TLS_RSA_PSK_WITH_NULL_SHA384', 'RSA-PSK-NULL-SHA384'],
  [0xc033, 'TLS_ECDHE_PSK_WITH_RC4_128_SHA', 'ECDHE-PSK-RC4-SHA'],
  [0xc034, 'TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA', 'ECDHE-PSK-3DES-EDE-CBC-SHA'],
  [0xc039, 'TLS_ECDHE_PSK_WITH_NULL_SHA', 'ECDHE-PSK-NULL-SHA'],
  [0xc03a, 'TLS_ECDHE_PSK_WITH_NULL_SHA256', 'ECDHE-PSK-NULL-SHA256'],
  [0xc03b, 'TLS_ECDHE_PSK_WITH_NULL_SHA384', 'ECDHE-PSK-NULL-SHA384'],
  [0xc0a6, 'TLS_DHE_PSK_WITH_AES_128_CCM', 'DHE-PSK-AES128-CCM'],
  [0xc0a7, 'TLS_DHE_PSK_WITH_AES_256_CCM', 'DHE-PSK-AES256-CCM'],
  [0xd001, 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256', undefined],
  [0xd002, 'TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384', undefined],
  [0xd003, 'TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256', undefined],
  [0xd005, 'TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256', undefined],
  [0xc03e, 'TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc03f, 'TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc040, 'TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc041, 'TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc042, 'TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc043, 'TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc046, 'TLS_DH_anon_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc047, 'TLS_DH_anon_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc04a, 'TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc04b, 'TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc04e, 'TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc04f, 'TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc054, 'TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256', undefined],
  [0xc055, 'TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384', undefined],
  [0xc058, 'TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256', undefined],
  [0xc059, 'TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384', undefined],
  [0xc05a, 'TLS_DH_anon_WITH_ARIA_128_GCM_SHA256', undefined],
  [0xc05b, 'TLS_DH_anon_WITH_ARIA_256_GCM_SHA384', undefined],
  [0xc05e, 'TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256', undefined],
  [0xc05f, 'TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384', undefined],
  [0xc062, 'TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256', undefined],
  [0xc063, 'TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384', undefined],
  [0xc064, 'TLS_PSK_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc065, 'TLS_PSK_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc066, 'TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc067, 'TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc068, 'TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc069, 'TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc06a, 'TLS_PSK_WITH_ARIA_128_GCM_SHA256', 'PSK-ARIA128-GCM-SHA256'],
  [0xc06b, 'TLS_PSK_WITH_ARIA_256_GCM_SHA384', 'PSK-ARIA256-GCM-SHA384'],
  [0xc06c, 'TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256', 'DHE-PSK-ARIA128-GCM-SHA256'],
  [0xc06d, 'TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384', 'DHE-PSK-ARIA256-GCM-SHA384'],
  [0xc06e, 'TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256', 'RSA-PSK-ARIA128-GCM-SHA256'],
  [0xc06f, 'TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384', 'RSA-PSK-ARIA256-GCM-SHA384'],
  [0xc070, 'TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256', undefined],
  [0xc071, 'TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384', undefined],
  [0xc074, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256', undefined],
  [0xc075, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384', undefined],
  [0xc078, 'TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256', undefined],
  [0xc079, 'TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384', undefined],
  [0xc07e, 'TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc07f, 'TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc080, 'TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc081, 'TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc082, 'TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc083, 'TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc084, 'TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc085, 'TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc088, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc089, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc08c, 'TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc08d, 'TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc08e, 'TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc08f, 'TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc090, 'TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc091, 'TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc092, 'TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256', undefined],
  [0xc093, 'TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384', undefined],
  [0xc094, 'TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256', 'PSK-CAMELLIA128-SHA256'],
  [0xc095, 'TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384', 'PSK-CAMELLIA256-SHA384'],
  [0xc096, 'TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256', 'DHE-PSK-CAMELLIA128-SHA256'],
  [0xc097, 'TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384', 'DHE-PSK-CAMELLIA256-SHA384'],
  [0xc098, 'TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256', 'RSA-PSK-CAMELLIA128-SHA256'],
  [0xc099, 'TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384', 'RSA-PSK-CAMELLIA256-SHA384'],
  [0xc09a, 'TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256', 'ECDHE-PSK-CAMELLIA128-SHA256'],
  [0xc09b, 'TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384', 'ECDHE-PSK-CAMELLIA256-SHA384'],
];

const SCSV_IDS = new Set([0x00ff, 0x5600]);

/** Key exchange and authentication from the part of an IANA name before `_WITH_`. */
function kxAuth(prefix: string): { kx: SuiteKx; auth: SuiteAuth } {
  const p = prefix.replace(/_EXPORT(1024)?$/, '');
  switch (p) {
    case 'NULL':
      return { kx: 'anon', auth: 'anon' };
    case 'RSA':
      return { kx: 'RSA', auth: 'RSA' };
    case 'DH_DSS':
      return { kx: 'DH', auth: 'DSS' };
    case 'DH_RSA':
      return { kx: 'DH', auth: 'RSA' };
    case 'DHE_DSS':
      return { kx: 'DHE', auth: 'DSS' };
    case 'DHE_RSA':
      return { kx: 'DHE', auth: 'RSA' };
    // Anonymous (EC)DH keys are ephemeral; what they lack is authentication.
    case 'DH_anon':
      return { kx: 'DHE', auth: 'anon' };
    case 'ECDH_anon':
      return { kx: 'ECDHE', auth: 'anon' };
    case 'ECDH_ECDSA':
      return { kx: 'ECDH', auth: 'ECDSA' };
    case 'ECDH_RSA':
      return { kx: 'ECDH', auth: 'RSA' };
    case 'ECDHE_ECDSA':
      return { kx: 'ECDHE', auth: 'ECDSA' };
    case 'ECDHE_RSA':
      return { kx: 'ECDHE', auth: 'RSA' };
    case 'PSK':
      return { kx: 'PSK', auth: 'PSK' };
    case 'DHE_PSK':
      return { kx: 'DHE', auth: 'PSK' };
    case 'ECDHE_PSK':
      return { kx: 'ECDHE', auth: 'PSK' };
    // RSA_PSK: the premaster mixes an RSA-encrypted secret with the PSK; the server proves itself with RSA.
    case 'RSA_PSK':
      return { kx: 'PSK', auth: 'RSA' };
    default:
      return { kx: 'any', auth: 'any' };
  }
}

const MAC_SUFFIX: Readonly<Record<string, SuiteMac>> = {
  SHA: 'SHA1',
  SHA256: 'SHA256',
  SHA384: 'SHA384',
  MD5: 'MD5',
};

function derive(row: Row): CipherSuite {
  const [id, iana, openssl] = row;
  if (SCSV_IDS.has(id)) {
    return {
      id,
      iana,
      openssl,
      versions: 'legacy',
      kx: 'any',
      auth: 'any',
      cipher: 'NONE',
      mac: 'NULL',
      aead: false,
      pfs: false,
      strength: 'strong',
      signalling: true,
    };
  }
  const body = iana.slice('TLS_'.length);
  const at = body.indexOf('_WITH_');
  const tls13 = at < 0;
  const prefix = tls13 ? '' : body.slice(0, at);
  const rest = tls13 ? body : body.slice(at + '_WITH_'.length);
  const { kx, auth } = tls13 ? { kx: 'any' as const, auth: 'any' as const } : kxAuth(prefix);

  const aead = /GCM|CCM|CHACHA20_POLY1305/.test(rest);
  // CCM suites carry no hash in their name; everything else ends in the MAC (or, for AEADs, PRF) hash.
  const lastUnderscore = rest.lastIndexOf('_');
  const tail = rest.slice(lastUnderscore + 1);
  const hash = MAC_SUFFIX[tail];
  const cipherPart = hash === undefined ? rest : rest.slice(0, lastUnderscore);
  // TLS_NULL_WITH_NULL_NULL: the initial "no protection" state.
  const cipher = rest === 'NULL_NULL' ? 'NULL' : cipherPart.replaceAll('_', '-');
  const mac: SuiteMac = aead ? 'AEAD' : cipher === 'NULL' && hash === undefined ? 'NULL' : (hash ?? 'NULL');

  let versions: SuiteVersions;
  if (tls13) versions = 'tls13';
  else {
    const sha2 = hash === 'SHA256' || hash === 'SHA384';
    // RFC 5487 PSK suites with SHA-256/384 CBC or NULL are defined for TLS 1.0 and later.
    const pskCbc = (auth === 'PSK' || kx === 'PSK') && !aead;
    versions = (aead || sha2) && !pskCbc ? 'tls12' : 'legacy';
  }

  const exportGrade = prefix.includes('EXPORT');
  const weakCipher = /^(RC4|RC2|DES|3DES|IDEA|NULL)/.test(cipher) || cipher.startsWith('DES40');
  const weak = exportGrade || weakCipher || auth === 'anon' || hash === 'MD5';
  const strength: SuiteStrength = weak ? 'weak' : aead ? 'strong' : 'cbc';
  const pfs = tls13 || kx === 'ECDHE' || kx === 'DHE';

  return { id, iana, openssl, versions, kx, auth, cipher, mac, aead, pfs, strength, signalling: false };
}

export const CIPHER_SUITES: readonly CipherSuite[] = ROWS.map(derive);

const byId = new Map<number, CipherSuite>();
const byName = new Map<string, CipherSuite>();
for (const suite of CIPHER_SUITES) {
  byId.set(suite.id, suite);
  const iana = suite.iana.toUpperCase();
  byName.set(iana, suite);
  byName.set(iana.slice('TLS_'.length), suite);
  if (suite.openssl !== undefined) byName.set(suite.openssl.toUpperCase(), suite);
}

export function suiteById(id: number): CipherSuite | undefined {
  return byId.get(id);
}

/**
 * By IANA name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, with or without `TLS_`, or with Java's `SSL_`)
 * or OpenSSL name (`ECDHE-RSA-AES128-GCM-SHA256`), case-insensitive.
 */
export function suiteByName(name: string): CipherSuite | undefined {
  const key = name.trim().toUpperCase();
  return byName.get(key) ?? (key.startsWith('SSL_') ? byName.get(key.slice(4)) : undefined);
}

/** The closest known names, in the naming style of the input (dashes → OpenSSL, underscores → IANA). */
export function suggestSuites(name: string, limit = 3): string[] {
  const opensslStyle = name.includes('-') && !name.includes('_');
  const candidates = CIPHER_SUITES.filter((s) => !s.signalling).map((s) =>
    opensslStyle ? (s.openssl ?? s.iana) : s.iana,
  );
  return closestNames(name.trim(), candidates, limit);
}
