// The steps of resolving a `tls:` block share one draft: what the profile (or the listener) starts
// with, then each list the user wrote read over it. Problems collect as they are found.

import type { Problem } from '../problems.ts';
import { err, warn } from '../problems.ts';
import { suggestSuites, suiteByName } from './cipher-suites.ts';
import { groupByName, suggestGroups } from './groups.ts';
import { groupUnusableReason, suiteUnusableReason } from './openssl-support.ts';
import { didYouMean } from './suggest.ts';
import type { PolicyStart } from './tls-policy.ts';
import { type TlsVersionName, versionId } from './versions.ts';

/** Where a value came from, so a problem can point at the key the user wrote. */
export type Source = 'input' | 'profile' | 'base';

/** The `tls:` block of a listener or site, as written in the config. */
export interface PolicyInput {
  readonly profile?: string;
  readonly min_version?: string;
  readonly max_version?: string;
  readonly ciphers?: readonly string[];
  readonly groups?: readonly string[];
}

export interface PolicyDraft {
  minVersion: TlsVersionName;
  maxVersion: TlsVersionName;
  minSource: Source;
  maxSource: Source;
  ciphers12: string[];
  ciphers13: string[];
  groups: string[];
  readonly explicitCiphers: boolean;
  readonly explicitGroups: boolean;
}

/** Accepts 'TLS1.2', 'tls1.2', 'TLSv1.2', '1.2'. */
function parseVersion(raw: string): TlsVersionName | undefined {
  const m = /^(?:tlsv?)?1\.([23])$/i.exec(raw.trim());
  return m ? (m[1] === '2' ? 'TLS1.2' : 'TLS1.3') : undefined;
}

/** 'a, b, c' — long lists are cut so a message stays one readable line. */
export const list = (names: readonly string[], max = 6): string =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

/** The draft before any list is read: everything from `start`. */
export function startDraft(input: PolicyInput, start: PolicyStart, startSource: Source): PolicyDraft {
  return {
    minVersion: start.minVersion,
    maxVersion: start.maxVersion,
    minSource: startSource,
    maxSource: startSource,
    ciphers12: [...start.ciphers12],
    ciphers13: [...start.ciphers13],
    groups: [...start.groups],
    explicitCiphers: input.ciphers !== undefined,
    explicitGroups: input.groups !== undefined,
  };
}

/** min_version / max_version over the draft. */
export function readVersions(input: PolicyInput, d: PolicyDraft, problems: Problem[]): void {
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
      d.minVersion = parsed;
      d.minSource = 'input';
    } else {
      d.maxVersion = parsed;
      d.maxSource = 'input';
    }
  }
  if (versionId(d.minVersion) > versionId(d.maxVersion)) {
    problems.push(
      err(
        d.minSource === 'input' ? 'min_version' : 'max_version',
        `min_version ${d.minVersion} is above max_version ${d.maxVersion}: no version is left to negotiate`,
        'lower min_version or raise max_version',
      ),
    );
  }
}

/** ciphers: replaces the draft's suites, sorted into TLS 1.2 (OpenSSL names) and TLS 1.3 (IANA names). */
export function readCiphers(input: PolicyInput, d: PolicyDraft, problems: Problem[]): void {
  if (input.ciphers !== undefined) {
    d.ciphers12 = [];
    d.ciphers13 = [];
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
      const target = suite.versions === 'tls13' ? d.ciphers13 : d.ciphers12;
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
}

/** groups: replaces the draft's groups (OpenSSL names). */
export function readGroups(input: PolicyInput, d: PolicyDraft, problems: Problem[]): void {
  if (input.groups !== undefined) {
    d.groups = [];
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
      if (d.groups.includes(openName)) {
        problems.push(warn(`groups[${i}]`, `group '${name}' is listed twice`, 'remove the duplicate'));
        return;
      }
      d.groups.push(openName);
    });
  }
}
