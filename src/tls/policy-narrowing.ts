// A site's policy may only narrow its listener's: the listener's OpenSSL context negotiates first,
// so a version, suite or group the listener refuses can never reach the site.

import type { Problem } from '../problems.ts';
import { err } from '../problems.ts';
import { suiteByName } from './cipher-suites.ts';
import { groupByName } from './groups.ts';
import { list, type PolicyDraft, type PolicyInput } from './policy-draft.ts';
import type { TlsPolicy } from './tls-policy.ts';
import { type TlsVersionName, versionId } from './versions.ts';

/** Adds a problem for everything the draft allows beyond `base`; true when it added any. */
export function checkNarrows(
  input: PolicyInput,
  d: PolicyDraft,
  base: TlsPolicy,
  problems: Problem[],
): boolean {
  const before = problems.length;
  if (versionId(d.minVersion) < versionId(base.minVersion)) {
    problems.push(
      err(
        d.minSource === 'input' ? 'min_version' : 'profile',
        `min_version ${d.minVersion} is below the listener's ${base.minVersion}`,
        "a site can only narrow its listener's policy; raise min_version or lower the listener's",
      ),
    );
  }
  if (versionId(d.maxVersion) > versionId(base.maxVersion)) {
    problems.push(
      err(
        d.maxSource === 'input' ? 'max_version' : 'profile',
        `max_version ${d.maxVersion} is above the listener's ${base.maxVersion}`,
        "a site can only narrow its listener's policy; lower max_version or raise the listener's",
      ),
    );
  }
  // Only versions both sides allow matter here; a version outside the listener's range was reported above.
  const inRange = (v: TlsVersionName): boolean =>
    versionId(v) >= Math.max(versionId(d.minVersion), versionId(base.minVersion)) &&
    versionId(v) <= Math.min(versionId(d.maxVersion), versionId(base.maxVersion));
  const extra12 = inRange('TLS1.2') ? d.ciphers12.filter((c) => !base.ciphers12.includes(c)) : [];
  const extra13 = inRange('TLS1.3') ? d.ciphers13.filter((c) => !base.ciphers13.includes(c)) : [];
  if (extra12.length + extra13.length > 0) {
    const extra = [...extra13, ...extra12];
    if (d.explicitCiphers && input.ciphers) {
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
  const extraGroups = d.groups.filter((g) => !base.groups.includes(g));
  if (extraGroups.length > 0) {
    if (d.explicitGroups && input.groups) {
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
  return problems.length > before;
}
