// Negotiation policy: turn what a user wrote (`profile`, versions, cipher and group names in any
// spelling) into a TlsPolicy that node:tls can run, or into Problems that say why it cannot.
// Every check here is pure except the last one, which asks OpenSSL itself (createSecureContext):
// our tables say what TLS defines, OpenSSL says what this Node can actually do.

import tls from 'node:tls';
import type { CertificatePair } from '../certs/pair.ts';
import type { Problem } from '../problems.ts';
import { err, warn } from '../problems.ts';
import { type CipherSuite, suggestSuites, suiteByName } from './cipher-suites.ts';
import { groupByName, type NamedGroup, suggestGroups } from './groups.ts';
import { DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, type Profile, type ProfileName } from './profiles.ts';
import { closestNames, didYouMean } from './suggest.ts';
import type { TlsVersionName } from './versions.ts';
import { toNode } from './versions.ts';

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

/** The `tls:` block of a listener or site, as written in the config. */
export interface PolicyInput {
  readonly profile?: string;
  readonly min_version?: string;
  readonly max_version?: string;
  readonly ciphers?: readonly string[];
  readonly groups?: readonly string[];
}

export interface PolicyResult {
  /** Set when there is no error (warnings allowed). */
  readonly policy?: TlsPolicy;
  /** Paths are relative to the `tls` block: 'min_version', 'ciphers[2]', '' for the block itself. */
  readonly problems: Problem[];
}

const RANK: Readonly<Record<TlsVersionName, number>> = { 'TLS1.2': 2, 'TLS1.3': 3 };

/** Accepts 'TLS1.2', 'tls1.2', 'TLSv1.2', '1.2'. */
function parseVersion(raw: string): TlsVersionName | undefined {
  const m = /^(?:tlsv?)?1\.([23])$/i.exec(raw.trim());
  return m ? (m[1] === '2' ? 'TLS1.2' : 'TLS1.3') : undefined;
}

/** 'a, b, c' — long lists are cut so a message stays one readable line. */
const list = (names: readonly string[], max = 6): string =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

// OpenSSL's verdicts are per name and never change within a process: remember them.
const opensslVerdicts = new Map<string, string | undefined>();

/** undefined when OpenSSL accepts the options, else its error message. Never throws. */
function askOpenssl(key: string, options: tls.SecureContextOptions): string | undefined {
  if (opensslVerdicts.has(key)) return opensslVerdicts.get(key);
  let verdict: string | undefined;
  try {
    tls.createSecureContext(options);
  } catch (e) {
    verdict = e instanceof Error ? e.message : String(e);
  }
  opensslVerdicts.set(key, verdict);
  return verdict;
}

function suiteUnusableReason(suite: CipherSuite): string | undefined {
  if (suite.signalling) return 'is a signalling value (SCSV), not a cipher suite';
  if (suite.strength === 'weak')
    return 'is a weak cipher suite (broken cipher, export grade, NULL, MD5 or anonymous)';
  if (suite.kx === 'PSK' || suite.auth === 'PSK')
    return 'is a pre-shared-key suite; tlsterm authenticates with certificates';
  if (suite.openssl === undefined) return 'is not implemented by OpenSSL';
  const options: tls.SecureContextOptions =
    suite.versions === 'tls13'
      ? { ciphers: suite.iana }
      : { ciphers: suite.openssl, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
  const verdict = askOpenssl(`suite:${suite.id}`, options);
  return verdict === undefined ? undefined : `is not supported by this Node's OpenSSL (${verdict})`;
}

function groupUnusableReason(group: NamedGroup): string | undefined {
  if (group.openssl === undefined) return 'is not implemented by OpenSSL';
  const verdict = askOpenssl(`group:${group.id}`, { ecdhCurve: group.openssl });
  return verdict === undefined ? undefined : `is not supported by this Node's OpenSSL (${verdict})`;
}

type Source = 'input' | 'profile' | 'base';

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
    if ((PROFILE_NAMES as readonly string[]).includes(name)) profile = PROFILES[name as ProfileName];
    else {
      problems.push(
        err(
          'profile',
          `unknown profile '${input.profile}'${didYouMean(closestNames(input.profile, PROFILE_NAMES))}`,
          `use one of: ${list(PROFILE_NAMES)}`,
        ),
      );
      return { problems };
    }
  }
  const start: Profile | TlsPolicy = profile ?? base ?? PROFILES[DEFAULT_PROFILE];
  const startSource: Source = profile || !base ? 'profile' : 'base';

  // Versions.
  let minVersion = start.minVersion;
  let maxVersion = start.maxVersion;
  let minSource: Source = startSource;
  let maxSource: Source = startSource;
  for (const key of ['min_version', 'max_version'] as const) {
    const raw = input[key];
    if (raw === undefined) continue;
    const parsed = parseVersion(raw);
    if (!parsed) {
      problems.push(
        err(
          key,
          `unsupported TLS version '${raw}'`,
          'use TLS1.2 or TLS1.3 (tlsterm does not serve TLS 1.1 or older: they are deprecated by RFC 8996)',
        ),
      );
      continue;
    }
    if (key === 'min_version') {
      minVersion = parsed;
      minSource = 'input';
    } else {
      maxVersion = parsed;
      maxSource = 'input';
    }
  }
  if (RANK[minVersion] > RANK[maxVersion]) {
    problems.push(
      err(
        minSource === 'input' ? 'min_version' : 'max_version',
        `min_version ${minVersion} is above max_version ${maxVersion}: no version is left to negotiate`,
        'lower min_version or raise max_version',
      ),
    );
  }

  // Cipher suites.
  let ciphers12: string[] = [...start.ciphers12];
  let ciphers13: string[] = [...start.ciphers13];
  const explicitCiphers = input.ciphers !== undefined;
  if (input.ciphers !== undefined) {
    ciphers12 = [];
    ciphers13 = [];
    if (input.ciphers.length === 0) {
      problems.push(
        err(
          'ciphers',
          'the ciphers list is empty',
          'list at least one suite, or remove the key to use the profile',
        ),
      );
    }
    input.ciphers.forEach((name, i) => {
      const suite = suiteByName(name);
      if (!suite) {
        problems.push(
          err(
            `ciphers[${i}]`,
            `unknown cipher suite '${name}'${didYouMean(suggestSuites(name))}`,
            'write IANA names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) or OpenSSL names (ECDHE-RSA-AES128-GCM-SHA256); `openssl ciphers -V` lists them',
          ),
        );
        return;
      }
      const why = suiteUnusableReason(suite);
      if (why) {
        problems.push(err(`ciphers[${i}]`, `cipher suite '${name}' ${why}`, 'remove it from the list'));
        return;
      }
      const target = suite.versions === 'tls13' ? ciphers13 : ciphers12;
      const openName = suite.versions === 'tls13' ? suite.iana : (suite.openssl ?? suite.iana);
      if (target.includes(openName)) {
        problems.push(
          warn(`ciphers[${i}]`, `cipher suite '${name}' is listed twice`, 'remove the duplicate'),
        );
        return;
      }
      target.push(openName);
    });
  }

  // Groups.
  let groups: string[] = [...start.groups];
  const explicitGroups = input.groups !== undefined;
  if (input.groups !== undefined) {
    groups = [];
    if (input.groups.length === 0) {
      problems.push(
        err(
          'groups',
          'the groups list is empty',
          'list at least one group, or remove the key to use the default',
        ),
      );
    }
    input.groups.forEach((name, i) => {
      const group = groupByName(name);
      if (!group) {
        problems.push(
          err(
            `groups[${i}]`,
            `unknown group '${name}'${didYouMean(suggestGroups(name))}`,
            'common groups: X25519MLKEM768, X25519, P-256, P-384, P-521, ffdhe2048',
          ),
        );
        return;
      }
      const why = groupUnusableReason(group);
      if (why) {
        problems.push(err(`groups[${i}]`, `group '${name}' ${why}`, 'remove it from the list'));
        return;
      }
      const openName = group.openssl ?? group.iana;
      if (groups.includes(openName)) {
        problems.push(warn(`groups[${i}]`, `group '${name}' is listed twice`, 'remove the duplicate'));
        return;
      }
      groups.push(openName);
    });
  }

  if (problems.some((p) => p.severity === 'error')) return { problems };

  // A site may only narrow its listener.
  if (base) {
    const before = problems.length;
    if (RANK[minVersion] < RANK[base.minVersion]) {
      problems.push(
        err(
          minSource === 'input' ? 'min_version' : 'profile',
          `min_version ${minVersion} is below the listener's ${base.minVersion}`,
          "a site can only narrow its listener's policy; raise min_version or lower the listener's",
        ),
      );
    }
    if (RANK[maxVersion] > RANK[base.maxVersion]) {
      problems.push(
        err(
          maxSource === 'input' ? 'max_version' : 'profile',
          `max_version ${maxVersion} is above the listener's ${base.maxVersion}`,
          "a site can only narrow its listener's policy; lower max_version or raise the listener's",
        ),
      );
    }
    // Only versions both sides allow matter here; a version outside the listener's range was reported above.
    const inRange = (v: TlsVersionName): boolean =>
      RANK[v] >= Math.max(RANK[minVersion], RANK[base.minVersion]) &&
      RANK[v] <= Math.min(RANK[maxVersion], RANK[base.maxVersion]);
    const extra12 = inRange('TLS1.2') ? ciphers12.filter((c) => !base.ciphers12.includes(c)) : [];
    const extra13 = inRange('TLS1.3') ? ciphers13.filter((c) => !base.ciphers13.includes(c)) : [];
    if (extra12.length + extra13.length > 0) {
      const extra = [...extra13, ...extra12];
      if (explicitCiphers && input.ciphers) {
        input.ciphers.forEach((name, i) => {
          const suite = suiteByName(name);
          const openName = suite?.versions === 'tls13' ? suite.iana : suite?.openssl;
          if (openName !== undefined && extra.includes(openName)) {
            problems.push(
              err(
                `ciphers[${i}]`,
                `cipher suite '${name}' is not allowed by the listener`,
                "a site can only narrow its listener's policy; add the suite to the listener's ciphers or remove it here",
              ),
            );
          }
        });
      } else {
        problems.push(
          err(
            'profile',
            `profile '${input.profile}' allows cipher suites the listener does not: ${list(extra)}`,
            "a site can only narrow its listener's policy; list a subset of the listener's suites under ciphers",
          ),
        );
      }
    }
    const extraGroups = groups.filter((g) => !base.groups.includes(g));
    if (extraGroups.length > 0) {
      if (explicitGroups && input.groups) {
        input.groups.forEach((name, i) => {
          const openName = groupByName(name)?.openssl;
          if (openName !== undefined && extraGroups.includes(openName)) {
            problems.push(
              err(
                `groups[${i}]`,
                `group '${name}' is not allowed by the listener`,
                "a site can only narrow its listener's policy; add the group to the listener's groups or remove it here",
              ),
            );
          }
        });
      } else {
        problems.push(
          err(
            'profile',
            `profile '${input.profile}' allows groups the listener does not: ${list(extraGroups)}`,
            "list a subset of the listener's groups under groups",
          ),
        );
      }
    }
    if (problems.length > before) return { problems };
  }

  // Which versions keep at least one suite.
  const want12 = RANK[minVersion] <= 2;
  const want13 = RANK[maxVersion] >= 3;
  const suitesPath = explicitCiphers ? 'ciphers' : 'profile';
  const origin = explicitCiphers
    ? 'listed'
    : `in profile '${profile?.name ?? base?.profile ?? DEFAULT_PROFILE}'`;
  if (want12 && !want13) {
    if (ciphers12.length === 0) {
      problems.push(
        err(
          suitesPath,
          `max_version is TLS1.2, but every cipher suite ${origin} is a TLS 1.3 suite (${list(ciphers13)}): nothing can be negotiated`,
          'add TLS 1.2 suites such as ECDHE-ECDSA-AES128-GCM-SHA256 and ECDHE-RSA-AES128-GCM-SHA256, or raise max_version to TLS1.3',
        ),
      );
      return { problems };
    }
    if (explicitCiphers && ciphers13.length > 0) {
      problems.push(
        warn(
          'ciphers',
          `TLS 1.3 suites are ignored because max_version is TLS1.2: ${list(ciphers13)}`,
          'remove them, or raise max_version',
        ),
      );
    }
    ciphers13 = [];
  } else if (want13 && !want12) {
    if (ciphers13.length === 0) {
      problems.push(
        err(
          suitesPath,
          `min_version is TLS1.3, but every cipher suite ${origin} is a TLS 1.2 suite (${list(ciphers12)}): nothing can be negotiated`,
          'add TLS 1.3 suites (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256), or lower min_version to TLS1.2',
        ),
      );
      return { problems };
    }
    if (explicitCiphers && ciphers12.length > 0) {
      problems.push(
        warn(
          'ciphers',
          `TLS 1.2 suites are ignored because min_version is TLS1.3: ${list(ciphers12)}`,
          'remove them, or lower min_version',
        ),
      );
    }
    ciphers12 = [];
  } else {
    // Both versions in range: a version without suites is switched off, loudly.
    if (ciphers13.length === 0) {
      problems.push(
        warn(
          suitesPath,
          `no TLS 1.3 cipher suite is ${explicitCiphers ? 'listed' : 'configured'}, so TLS 1.3 is off (max_version becomes TLS1.2)`,
          'add TLS_AES_128_GCM_SHA256 (and friends) to ciphers, or set max_version: TLS1.2 to say so',
        ),
      );
      maxVersion = 'TLS1.2';
    }
    if (ciphers12.length === 0) {
      problems.push(
        warn(
          suitesPath,
          `no TLS 1.2 cipher suite is ${explicitCiphers ? 'listed' : 'configured'}, so TLS 1.2 is off (min_version becomes TLS1.3)`,
          'add TLS 1.2 suites to ciphers, or set min_version: TLS1.3 to say so',
        ),
      );
      minVersion = 'TLS1.3';
    }
  }

  // Groups usable in the remaining range.
  const on12 = RANK[minVersion] <= 2;
  const on13 = RANK[maxVersion] >= 3;
  const resolved = groups.map((g) => groupByName(g)).filter((g): g is NamedGroup => g !== undefined);
  const usable13 = resolved.filter((g) => !g.legacyOnly);
  const usable12 = resolved.filter((g) => !g.tls13Only && !g.ffdhe);
  const needs12Group = on12 && ciphers12.some((c) => suiteByName(c)?.kx === 'ECDHE');
  const groupsPath = explicitGroups ? 'groups' : 'profile';
  if (on13 && usable13.length === 0) {
    const p = on12 ? warn : err;
    problems.push(
      p(
        groupsPath,
        `no group listed can be used with TLS 1.3 (${list(groups)} are TLS 1.2-only)${on12 ? '; TLS 1.3 handshakes will fail' : ''}`,
        'add X25519MLKEM768, X25519 or P-256',
      ),
    );
  }
  if (needs12Group && usable12.length === 0) {
    // With TLS 1.2 alone this is an error even if a DHE or RSA suite remains: that is never the intent.
    const onlyOn12 = !on13;
    const p = onlyOn12 ? err : warn;
    problems.push(
      p(
        groupsPath,
        `every group listed is unusable with TLS 1.2 ECDHE (${list(groups)} ${groups.length === 1 ? 'is' : 'are'} TLS 1.3-only or finite-field)${onlyOn12 ? '' : '; TLS 1.2 clients cannot use ECDHE suites'}`,
        'add X25519 and P-256 (hybrid post-quantum groups exist only in TLS 1.3)',
      ),
    );
  }
  if (problems.some((p) => p.severity === 'error')) return { problems };

  const overridden =
    explicitCiphers || explicitGroups || input.min_version !== undefined || input.max_version !== undefined;
  const policy: TlsPolicy = {
    profile: overridden ? 'custom' : (profile?.name ?? base?.profile ?? DEFAULT_PROFILE),
    minVersion,
    maxVersion,
    ciphers12,
    ciphers13,
    groups,
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
