// After the lists are read: every version in range must keep a suite, and every key exchange in use a
// group. A version without suites is switched off with a warning; nothing negotiable is an error.

import type { Problem } from '../problems.ts';
import { err, warn } from '../problems.ts';
import { ProtocolVersion, versionId } from '../wire/versions.ts';
import { suiteByName } from './cipher-suites.ts';
import { groupByName, type NamedGroup } from './groups.ts';
import { list, type PolicyDraft } from './policy-draft.ts';

/** Narrows the draft's versions to those that keep a suite; false when nothing can be negotiated. */
export function settleVersions(d: PolicyDraft, profileName: string, problems: Problem[]): boolean {
  const want12 = versionId(d.minVersion) <= ProtocolVersion.tls12;
  const want13 = versionId(d.maxVersion) >= ProtocolVersion.tls13;
  const suitesPath = d.explicitCiphers ? 'ciphers' : 'profile';
  const origin = d.explicitCiphers ? 'listed' : `in profile '${profileName}'`;
  if (want12 && !want13) {
    if (d.ciphers12.length === 0) {
      problems.push(
        err(
          suitesPath,
          `max_version is TLS1.2, but every cipher suite ${origin} is a TLS 1.3 suite (${list(d.ciphers13)}): nothing can be negotiated`,
          'add TLS 1.2 suites such as ECDHE-ECDSA-AES128-GCM-SHA256 and ECDHE-RSA-AES128-GCM-SHA256, or raise max_version to TLS1.3',
        ),
      );
      return false;
    }
    if (d.explicitCiphers && d.ciphers13.length > 0) {
      problems.push(
        warn(
          'ciphers',
          `TLS 1.3 suites are ignored because max_version is TLS1.2: ${list(d.ciphers13)}`,
          'remove them, or raise max_version',
        ),
      );
    }
    d.ciphers13 = [];
  } else if (want13 && !want12) {
    if (d.ciphers13.length === 0) {
      problems.push(
        err(
          suitesPath,
          `min_version is TLS1.3, but every cipher suite ${origin} is a TLS 1.2 suite (${list(d.ciphers12)}): nothing can be negotiated`,
          'add TLS 1.3 suites (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256), or lower min_version to TLS1.2',
        ),
      );
      return false;
    }
    if (d.explicitCiphers && d.ciphers12.length > 0) {
      problems.push(
        warn(
          'ciphers',
          `TLS 1.2 suites are ignored because min_version is TLS1.3: ${list(d.ciphers12)}`,
          'remove them, or lower min_version',
        ),
      );
    }
    d.ciphers12 = [];
  } else {
    // Both versions in range: a version without suites is switched off, loudly.
    if (d.ciphers13.length === 0) {
      problems.push(
        warn(
          suitesPath,
          `no TLS 1.3 cipher suite is ${d.explicitCiphers ? 'listed' : 'configured'}, so TLS 1.3 is off (max_version becomes TLS1.2)`,
          'add TLS_AES_128_GCM_SHA256 (and friends) to ciphers, or set max_version: TLS1.2 to say so',
        ),
      );
      d.maxVersion = 'TLS1.2';
    }
    if (d.ciphers12.length === 0) {
      problems.push(
        warn(
          suitesPath,
          `no TLS 1.2 cipher suite is ${d.explicitCiphers ? 'listed' : 'configured'}, so TLS 1.2 is off (min_version becomes TLS1.3)`,
          'add TLS 1.2 suites to ciphers, or set min_version: TLS1.3 to say so',
        ),
      );
      d.minVersion = 'TLS1.3';
    }
  }
  return true;
}

/** Problems for key exchanges left without a usable group in the settled version range. */
export function checkGroupsUsable(d: PolicyDraft, problems: Problem[]): void {
  const on12 = versionId(d.minVersion) <= ProtocolVersion.tls12;
  const on13 = versionId(d.maxVersion) >= ProtocolVersion.tls13;
  const resolved = d.groups.map((g) => groupByName(g)).filter((g): g is NamedGroup => g !== undefined);
  const usable13 = resolved.filter((g) => !g.legacyOnly);
  const usable12 = resolved.filter((g) => !g.tls13Only && !g.ffdhe);
  const needs12Group = on12 && d.ciphers12.some((c) => suiteByName(c)?.kx === 'ECDHE');
  const groupsPath = d.explicitGroups ? 'groups' : 'profile';
  if (on13 && usable13.length === 0) {
    const p = on12 ? warn : err;
    problems.push(
      p(
        groupsPath,
        `no group listed can be used with TLS 1.3 (${list(d.groups)} are TLS 1.2-only)${on12 ? '; TLS 1.3 handshakes will fail' : ''}`,
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
        `every group listed is unusable with TLS 1.2 ECDHE (${list(d.groups)} ${d.groups.length === 1 ? 'is' : 'are'} TLS 1.3-only or finite-field)${onlyOn12 ? '' : '; TLS 1.2 clients cannot use ECDHE suites'}`,
        'add X25519 and P-256 (hybrid post-quantum groups exist only in TLS 1.3)',
      ),
    );
  }
}
