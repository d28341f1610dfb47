// A site's `acme:` block as the config gives it, and the checks that can be made without a network:
// which challenge fits which hosts, a DNS hook where DNS-01 needs one, a directory URL.

import net from 'node:net';
import type { Problem } from '../../problems.ts';
import { err } from '../../problems.ts';

export type AcmeChallengeType = 'http-01' | 'tls-alpn-01' | 'dns-01';
export const ACME_CHALLENGES: readonly AcmeChallengeType[] = ['http-01', 'tls-alpn-01', 'dns-01'];

/** `acme: { email, directory, challenge, ca?, dns_hook? }`, paths already resolved by the config. */
export interface AcmeSettings {
  /** Account contact; optional in ACME (the CA then cannot send expiry notices). */
  readonly email?: string;
  /** Directory URL, or a shortcut: letsencrypt, letsencrypt-staging. */
  readonly directory: string;
  readonly challenge: AcmeChallengeType;
  /** PEM file of roots to trust for the directory's HTTPS (private ACME servers); default the system's. */
  readonly ca?: string;
  /** The same roots as PEM text (what the config check already read); wins over `ca`. */
  readonly caPem?: string;
  /** DNS-01: executable called as `HOOK set|clear FQDN VALUE`. */
  readonly dns_hook?: string;
}

/** One certificate to manage: a site's hosts and its acme block. */
export interface AcmeSiteConfig {
  readonly hosts: readonly string[];
  readonly acme: AcmeSettings;
  /** Lineage name (live/<name>/); default from the hosts (see assignLineageNames). */
  readonly name?: string;
}

export const DIRECTORY_SHORTCUTS: Readonly<Record<string, string>> = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

export const directoryUrl = (directory: string): string => DIRECTORY_SHORTCUTS[directory] ?? directory;

/** A site of the checked plan (`SitePlan.hosts` + `SitePlan.acme`) as the manager takes it. */
export function acmeSiteFromPlan(site: {
  readonly hosts: readonly string[];
  readonly acme: AcmePlan;
}): AcmeSiteConfig {
  const a = site.acme;
  return {
    name: a.lineage,
    hosts: site.hosts,
    acme: {
      directory: a.directory,
      challenge: a.challenge,
      ...(a.email !== undefined ? { email: a.email } : {}),
      ...(a.caPem !== undefined ? { caPem: a.caPem } : {}),
      ...(a.dnsHook !== undefined ? { dns_hook: a.dnsHook } : {}),
    },
  };
}

/** Problems of one acme block; `at` is its config path (e.g. `listeners[0].sites[1].acme`). */
export function checkAcmeSettings(hosts: readonly string[], acme: AcmeSettings, at = 'acme'): Problem[] {
  const problems: Problem[] = [];
  const url = directoryUrl(acme.directory);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    problems.push(
      err(
        `${at}.directory`,
        `'${acme.directory}' is neither a directory URL nor a known CA`,
        `write the CA's directory URL (https://…/directory) or one of: ${Object.keys(DIRECTORY_SHORTCUTS).join(', ')}`,
      ),
    );
  }
  if (acme.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(acme.email)) {
    problems.push(
      err(`${at}.email`, `'${acme.email}' is not an email address`, 'the CA sends expiry notices here'),
    );
  }
  if (!ACME_CHALLENGES.includes(acme.challenge)) {
    problems.push(
      err(
        `${at}.challenge`,
        `unknown challenge '${String(acme.challenge)}'`,
        `one of: ${ACME_CHALLENGES.join(', ')}`,
      ),
    );
  }
  const wildcards = hosts.filter((h) => h.startsWith('*.'));
  if (wildcards.length > 0 && acme.challenge !== 'dns-01') {
    problems.push(
      err(
        `${at}.challenge`,
        `wildcard host ${wildcards.map((h) => `'${h}'`).join(', ')} needs challenge dns-01 (CAs validate wildcards only through DNS)`,
        'set challenge: dns-01 with a dns_hook, or list the names one by one',
      ),
    );
  }
  const ips = hosts.filter((h) => net.isIP(h.replace(/^\[|\]$/g, '')) !== 0);
  if (ips.length > 0) {
    problems.push(
      err(
        `${at}`,
        `ACME certificates are for DNS names; ${ips.join(', ')} is an IP address`,
        'serve IP hosts from a site with certificate files, or the local CA',
      ),
    );
  }
  if (acme.challenge === 'dns-01' && !acme.dns_hook) {
    problems.push(
      err(
        `${at}.dns_hook`,
        'challenge dns-01 needs a dns_hook',
        'dns_hook: an executable called as `HOOK set|clear _acme-challenge.NAME VALUE` that publishes/removes the TXT record',
      ),
    );
  }
  return problems;
}

/** A site whose certificate (resolved from its `acme:` block: tlsterm obtains and renews over ACME). */
export interface AcmePlan {
  readonly directory: string;
  readonly email?: string;
  readonly challenge: 'http-01' | 'tls-alpn-01' | 'dns-01';
  /** PEM to trust the directory with (a private ACME CA such as Pebble or step-ca). */
  readonly caPem?: string;
  /** Absolute path of the DNS-01 hook command. */
  readonly dnsHook?: string;
  /** certbot layout: <stateDir>/live/<lineage>/{fullchain,privkey}.pem */
  readonly lineage: string;
}
