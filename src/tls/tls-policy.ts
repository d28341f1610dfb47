// The negotiation policy every listener and site runs: the type policy.ts resolves a `tls:` block into.
import type { TlsVersionName } from './versions.ts';

/** A negotiation policy, already resolved to what node:tls wants. */
export interface TlsPolicy {
  readonly profile: 'modern' | 'intermediate' | 'old' | 'custom';
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
  /** TLS 1.2 suites, OpenSSL names in server preference order (empty when TLS 1.2 is off). */
  readonly ciphers12: readonly string[];
  /** TLS 1.3 suites, IANA names (OpenSSL uses IANA names for 1.3) in preference order. */
  readonly ciphers13: readonly string[];
  /** Key-exchange groups, OpenSSL names (X25519MLKEM768, X25519, P-256, P-384, …) in preference order. */
  readonly groups: readonly string[];
}

/** What a policy is resolved from: a profile, or the listener's policy for a site. */
export type PolicyStart = Omit<TlsPolicy, 'profile'>;
