// Named policies after Mozilla's server-side TLS guideline, version 5.7
// (https://ssl-config.mozilla.org/guidelines/5.7.json), with two deliberate differences:
// - the version floor is TLS 1.2 for every profile: tlsterm's config accepts TLS1.2 | TLS1.3 only, so
//   `old` (TLS 1.0–1.3 in the guideline) starts at TLS 1.2 here;
// - `old` leaves out DES-CBC3-SHA: Node 24's OpenSSL does not ship 3DES suites at all.
// Groups put the hybrid post-quantum X25519MLKEM768 first (OpenSSL 3.5 and current browsers speak it).

import type { TlsVersionName } from './versions.ts';

export type ProfileName = 'modern' | 'intermediate' | 'old';
export const PROFILE_NAMES: readonly ProfileName[] = ['modern', 'intermediate', 'old'];
export const DEFAULT_PROFILE: ProfileName = 'intermediate';

export interface Profile {
  readonly name: ProfileName;
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
  /** OpenSSL names, server preference order. */
  readonly ciphers12: readonly string[];
  /** IANA names, server preference order. */
  readonly ciphers13: readonly string[];
  /** OpenSSL group names, preference order. */
  readonly groups: readonly string[];
}

export const DEFAULT_GROUPS: readonly string[] = ['X25519MLKEM768', 'X25519', 'P-256', 'P-384'];

const TLS13_SUITES: readonly string[] = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
];

const INTERMEDIATE_12: readonly string[] = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
];

const OLD_12: readonly string[] = [
  ...INTERMEDIATE_12,
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'DHE-RSA-AES128-SHA256',
  'DHE-RSA-AES256-SHA256',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA256',
  'AES256-SHA256',
  'AES128-SHA',
  'AES256-SHA',
];

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  modern: {
    name: 'modern',
    minVersion: 'TLS1.3',
    maxVersion: 'TLS1.3',
    ciphers12: [],
    ciphers13: TLS13_SUITES,
    groups: DEFAULT_GROUPS,
  },
  intermediate: {
    name: 'intermediate',
    minVersion: 'TLS1.2',
    maxVersion: 'TLS1.3',
    ciphers12: INTERMEDIATE_12,
    ciphers13: TLS13_SUITES,
    groups: DEFAULT_GROUPS,
  },
  old: {
    name: 'old',
    minVersion: 'TLS1.2',
    maxVersion: 'TLS1.3',
    ciphers12: OLD_12,
    ciphers13: TLS13_SUITES,
    groups: DEFAULT_GROUPS,
  },
};
