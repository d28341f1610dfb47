// Negotiation policy: turn what a user wrote (`profile`, versions, cipher and group names in any
// spelling) into a TlsPolicy that node:tls can run, or into Problems that say why it cannot.
// The steps live beside it: policy-draft.ts reads the lists, policy-narrowing.ts holds a site to its
// listener, policy-coverage.ts keeps only versions with suites and groups; openssl-support.ts asks
// OpenSSL itself, which has the last word on what this Node can do.

import type tls from 'node:tls';
import type { CertificatePair } from '../certs/pair.ts';
import type { Problem } from '../problems.ts';
import { err, warn } from '../problems.ts';
import { type CipherSuite, suiteByName } from './cipher-suites.ts';
import { askOpenssl } from './openssl-support.ts';
import { checkGroupsUsable, settleVersions } from './policy-coverage.ts';
import { list, type PolicyInput, readCiphers, readGroups, readVersions, startDraft } from './policy-draft.ts';
import { checkNarrows } from './policy-narrowing.ts';
import { DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, type Profile, type ProfileName } from './profiles.ts';
import { closestNames, didYouMean } from './suggest.ts';
import { toNode } from './versions.ts';

export type { PolicyInput } from './policy-draft.ts';
export type { TlsPolicy } from './tls-policy.ts';

import type { TlsPolicy } from './tls-policy.ts';

export interface PolicyResult {
  /** Set when there is no error (warnings allowed). */
  readonly policy?: TlsPolicy;
  /** Paths are relative to the `tls` block: 'min_version', 'ciphers[2]', '' for the block itself. */
  readonly problems: Problem[];
}

const hasError = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');

/**
 * Resolve a `tls:` block. Without `base`, unspecified fields come from the profile (default
 * 'intermediate'). With `base` (the listener's policy, when resolving a site), unspecified fields are
 * inherited from it, and the result may only narrow it: a site cannot allow a version, suite or group
 * its listener refuses, because the listener's OpenSSL context negotiates first.
 */
export function resolvePolicy(input: PolicyInput, base?: TlsPolicy): PolicyResult {
  const problems: Problem[] = [];

  // Starting point: the named profile, else the base, else the default profile.
  let profile: Profile | undefined;
  if (input.profile !== undefined) {
    const name = input.profile.trim().toLowerCase();
    if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
      problems.push(
        err(
          'profile',
          `unknown profile '${input.profile}'${didYouMean(closestNames(input.profile, PROFILE_NAMES))}`,
          `use one of: ${list(PROFILE_NAMES)}`,
        ),
      );
      return { problems };
    }
    profile = PROFILES[name as ProfileName];
  }
  const start: Profile | TlsPolicy = profile ?? base ?? PROFILES[DEFAULT_PROFILE];
  const d = startDraft(input, start, profile || !base ? 'profile' : 'base');

  readVersions(input, d, problems);
  readCiphers(input, d, problems);
  readGroups(input, d, problems);
  if (hasError(problems)) return { problems };
  if (base && checkNarrows(input, d, base, problems)) return { problems };
  const profileName = profile?.name ?? base?.profile ?? DEFAULT_PROFILE;
  if (!settleVersions(d, profileName, problems)) return { problems };
  checkGroupsUsable(d, problems);
  if (hasError(problems)) return { problems };

  const overridden =
    d.explicitCiphers ||
    d.explicitGroups ||
    input.min_version !== undefined ||
    input.max_version !== undefined;
  const policy: TlsPolicy = {
    profile: overridden ? 'custom' : profileName,
    minVersion: d.minVersion,
    maxVersion: d.maxVersion,
    ciphers12: d.ciphers12,
    ciphers13: d.ciphers13,
    groups: d.groups,
  };

  // Last word to OpenSSL: the whole policy in one context, exactly as the terminator will build it.
  const verdict = askOpenssl(`policy:${JSON.stringify(policy)}`, secureContextOptions(policy));
  if (verdict !== undefined) {
    problems.push(
      err(
        '',
        `OpenSSL rejects this policy: ${verdict}`,
        'simplify ciphers and groups to known-good names and retry',
      ),
    );
    return { problems };
  }
  return { policy, problems };
}

/** The node:tls options for a policy; the terminator builds its contexts from exactly this. */
export function secureContextOptions(policy: TlsPolicy): tls.SecureContextOptions {
  const options: tls.SecureContextOptions = {
    minVersion: toNode(policy.minVersion) as tls.SecureVersion,
    maxVersion: toNode(policy.maxVersion) as tls.SecureVersion,
    // Node splits this one string: TLS_* names go to TLS 1.3 (SSL_CTX_set_ciphersuites), the rest to
    // TLS 1.2 (SSL_CTX_set_cipher_list). Without any TLS_* name Node keeps OpenSSL's default 1.3
    // suites, which resolvePolicy avoids by turning TLS 1.3 off when it has no suites.
    ciphers: [...policy.ciphers13, ...policy.ciphers12].join(':'),
    ecdhCurve: policy.groups.join(':'),
    honorCipherOrder: true,
  };
  // DHE suites are silently unavailable unless DH parameters are set; 'auto' sizes them to the key.
  if (policy.ciphers12.some((c) => suiteByName(c)?.kx === 'DHE')) options.dhparam = 'auto';
  return options;
}

/** Key types that can authenticate a TLS 1.2 suite. Ed25519/Ed448 ride on ECDSA suites in TLS 1.2. */
function authenticates(suite: CipherSuite, keyType: CertificatePair['keyType']): boolean {
  if (suite.auth === 'RSA') return keyType === 'rsa';
  if (suite.auth === 'ECDSA') return keyType === 'ec' || keyType === 'ed25519' || keyType === 'ed448';
  return false;
}

/**
 * Can this policy complete a handshake with these certificates? TLS 1.3 suites work with any
 * certificate; a TLS 1.2 suite needs a certificate of its authentication type. Paths are relative to
 * the `tls` block, like resolvePolicy's.
 */
export function checkPolicyAgainstCertificates(
  policy: TlsPolicy,
  keyTypes: readonly CertificatePair['keyType'][],
): Problem[] {
  if (keyTypes.length === 0 || policy.ciphers12.length === 0) return [];
  const suites = policy.ciphers12.map((c) => suiteByName(c)).filter((s): s is CipherSuite => s !== undefined);
  if (suites.some((s) => keyTypes.some((k) => authenticates(s, k)))) return [];
  const kinds = [...new Set(keyTypes)].map((k) => (k === 'ec' ? 'ECDSA' : k.toUpperCase())).join(' and ');
  const auths = [...new Set(suites.map((s) => s.auth))].join('/');
  const message = `the certificates are ${kinds}, but every TLS 1.2 suite needs ${auths} authentication`;
  if (policy.maxVersion === 'TLS1.2') {
    return [
      err(
        'ciphers',
        `${message}: nothing can be negotiated`,
        'add suites matching the certificate (ECDHE-ECDSA-* for EC keys, ECDHE-RSA-* for RSA keys), add a certificate of the other type, or allow TLS1.3',
      ),
    ];
  }
  return [
    warn(
      'ciphers',
      `${message}: TLS 1.2 clients cannot connect (TLS 1.3 still works)`,
      'add suites matching the certificate (ECDHE-ECDSA-* for EC keys, ECDHE-RSA-* for RSA keys)',
    ),
  ];
}
