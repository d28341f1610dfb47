// Named groups (TLS "supported_groups"): numeric id ↔ IANA name ↔ the name OpenSSL (and so Node's
// `ecdhCurve` option) accepts, plus where each group may be used.

import { closestNames } from './suggest.ts';

export interface NamedGroup {
  readonly id: number;
  /** IANA registry name. */
  readonly iana: string;
  /** Name for OpenSSL / Node's `ecdhCurve`; undefined when OpenSSL 3.5 does not implement it. */
  readonly openssl: string | undefined;
  /** Other spellings users type (`P-256`, `prime256v1`, …). */
  readonly aliases: readonly string[];
  /** Hybrid and pure ML-KEM groups, brainpool*tls13: TLS 1.3 key shares only. */
  readonly tls13Only: boolean;
  /** Groups RFC 8446 does not allow in TLS 1.3 (binary curves, small or brainpool r1 curves). */
  readonly legacyOnly: boolean;
  /** Contains an ML-KEM component. */
  readonly postQuantum: boolean;
  /** Finite-field DH group (RFC 7919) rather than an elliptic curve or KEM. */
  readonly ffdhe: boolean;
}

type Kind = 'legacy' | 'any' | 'tls13' | 'pq' | 'ffdhe';

// [id, IANA name, OpenSSL name, aliases, kind]
type Row = readonly [number, string, string | undefined, readonly string[], Kind];

const ROWS: readonly Row[] = [
  // Binary and small curves (RFC 4492): TLS ≤ 1.2 only, deprecated by RFC 8422.
  [1, 'sect163k1', 'sect163k1', [], 'legacy'],
  [2, 'sect163r1', 'sect163r1', [], 'legacy'],
  [3, 'sect163r2', 'sect163r2', [], 'legacy'],
  [4, 'sect193r1', 'sect193r1', [], 'legacy'],
  [5, 'sect193r2', 'sect193r2', [], 'legacy'],
  [6, 'sect233k1', 'sect233k1', [], 'legacy'],
  [7, 'sect233r1', 'sect233r1', [], 'legacy'],
  [8, 'sect239k1', 'sect239k1', [], 'legacy'],
  [9, 'sect283k1', 'sect283k1', [], 'legacy'],
  [10, 'sect283r1', 'sect283r1', [], 'legacy'],
  [11, 'sect409k1', 'sect409k1', [], 'legacy'],
  [12, 'sect409r1', 'sect409r1', [], 'legacy'],
  [13, 'sect571k1', 'sect571k1', [], 'legacy'],
  [14, 'sect571r1', 'sect571r1', [], 'legacy'],
  [15, 'secp160k1', 'secp160k1', [], 'legacy'],
  [16, 'secp160r1', 'secp160r1', [], 'legacy'],
  [17, 'secp160r2', 'secp160r2', [], 'legacy'],
  [18, 'secp192k1', 'secp192k1', [], 'legacy'],
  [19, 'secp192r1', 'secp192r1', ['P-192', 'prime192v1'], 'legacy'],
  [20, 'secp224k1', 'secp224k1', [], 'legacy'],
  [21, 'secp224r1', 'secp224r1', ['P-224'], 'legacy'],
  [22, 'secp256k1', 'secp256k1', [], 'legacy'],
  // The groups TLS 1.2 and 1.3 share.
  [23, 'secp256r1', 'P-256', ['P-256', 'prime256v1'], 'any'],
  [24, 'secp384r1', 'P-384', ['P-384'], 'any'],
  [25, 'secp521r1', 'P-521', ['P-521'], 'any'],
  [26, 'brainpoolP256r1', 'brainpoolP256r1', [], 'legacy'],
  [27, 'brainpoolP384r1', 'brainpoolP384r1', [], 'legacy'],
  [28, 'brainpoolP512r1', 'brainpoolP512r1', [], 'legacy'],
  [29, 'x25519', 'X25519', [], 'any'],
  [30, 'x448', 'X448', [], 'any'],
  // RFC 8734: the brainpool curves re-registered for TLS 1.3.
  [31, 'brainpoolP256r1tls13', 'brainpoolP256r1tls13', [], 'tls13'],
  [32, 'brainpoolP384r1tls13', 'brainpoolP384r1tls13', [], 'tls13'],
  [33, 'brainpoolP512r1tls13', 'brainpoolP512r1tls13', [], 'tls13'],
  // RFC 7919 finite-field groups.
  [256, 'ffdhe2048', 'ffdhe2048', [], 'ffdhe'],
  [257, 'ffdhe3072', 'ffdhe3072', [], 'ffdhe'],
  [258, 'ffdhe4096', 'ffdhe4096', [], 'ffdhe'],
  [259, 'ffdhe6144', 'ffdhe6144', [], 'ffdhe'],
  [260, 'ffdhe8192', 'ffdhe8192', [], 'ffdhe'],
  // ML-KEM (FIPS 203), pure and hybrid (draft-ietf-tls-mlkem, draft-ietf-tls-ecdhe-mlkem).
  [0x0200, 'MLKEM512', 'MLKEM512', ['ML-KEM-512'], 'pq'],
  [0x0201, 'MLKEM768', 'MLKEM768', ['ML-KEM-768'], 'pq'],
  [0x0202, 'MLKEM1024', 'MLKEM1024', ['ML-KEM-1024'], 'pq'],
  [0x11eb, 'SecP256r1MLKEM768', 'SecP256r1MLKEM768', [], 'pq'],
  [0x11ec, 'X25519MLKEM768', 'X25519MLKEM768', [], 'pq'],
  [0x11ed, 'SecP384r1MLKEM1024', 'SecP384r1MLKEM1024', [], 'pq'],
  // Pre-standard Kyber hybrid that browsers shipped in 2023–2024; OpenSSL never had it.
  [0x6399, 'X25519Kyber768Draft00', undefined, [], 'pq'],
];

export const GROUPS: readonly NamedGroup[] = ROWS.map(([id, iana, openssl, aliases, kind]) => ({
  id,
  iana,
  openssl,
  aliases,
  tls13Only: kind === 'tls13' || kind === 'pq',
  legacyOnly: kind === 'legacy',
  postQuantum: kind === 'pq',
  ffdhe: kind === 'ffdhe',
}));

const byId = new Map<number, NamedGroup>();
const byName = new Map<string, NamedGroup>();
for (const group of GROUPS) {
  byId.set(group.id, group);
  for (const name of [group.iana, group.openssl, ...group.aliases]) {
    if (name !== undefined) byName.set(name.toLowerCase(), group);
  }
}

export function groupById(id: number): NamedGroup | undefined {
  return byId.get(id);
}

/** By IANA name, OpenSSL name or alias, case-insensitive (`x25519`, `P-256`, `prime256v1`, …). */
export function groupByName(name: string): NamedGroup | undefined {
  return byName.get(name.trim().toLowerCase());
}

export function suggestGroups(name: string, limit = 3): string[] {
  const candidates = GROUPS.flatMap((g) => [g.openssl ?? g.iana, g.iana, ...g.aliases]);
  return closestNames(name.trim(), candidates, limit);
}
