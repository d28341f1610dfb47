// `acme:` of a site: the settings (the ACME library's own rules), the certificate a previous run left
// in the state directory, and the checks across sites (shared lineages, a way in for the CA).

import fs from 'node:fs/promises';
import { lineageName, lineagePaths, readLineage } from '../certs/acme/lineage.ts';
import { type IssueReason, issueReason } from '../certs/acme/renewal.ts';
import type { AcmePlan } from '../certs/acme/settings.ts';
import { checkAcmeSettings, directoryUrl } from '../certs/acme/settings.ts';
import type { CertificatePair } from '../certs/pair.ts';
import type { Checker } from './checker.ts';
import type { HttpListenerPlan, ListenerPlan, SitePlan } from './plan.ts';
import type { RawSite } from './schema.ts';

/** Why an ACME certificate on disk is replaced at start (placeholder and absence are said apart). */
const REORDER_REASONS: Readonly<Record<IssueReason, string>> = {
  'no-certificate': 'is missing',
  placeholder: 'is a placeholder',
  'key-mismatch': 'does not match its private key',
  'hosts-changed': 'does not cover every host of the site',
  expired: 'has expired',
};

const sameHosts = (a: readonly string[], b: readonly string[]): boolean => {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((h, i) => h === y[i]);
};

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await fs.access(file, fs.constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The site's ACME plan, or undefined when its settings have errors (or it has no hosts). */
export async function checkAcmeSite(
  ctx: Checker,
  sp: string,
  site: RawSite,
  hosts: readonly string[],
): Promise<AcmePlan | undefined> {
  const raw = site.acme;
  if (raw === undefined) return undefined;
  let ok = true;
  if (site.certificates !== undefined) {
    ctx.add(
      'error',
      `${sp}.certificates`,
      'a site has either certificates or acme, not both',
      'remove certificates to let tlsterm obtain them over ACME, or remove acme',
    );
    ok = false;
  }
  if (site.mode === 'passthrough') {
    ctx.add('error', `${sp}.acme`, 'a passthrough site holds no certificate', 'remove acme');
    ok = false;
  }
  const challenge = raw.challenge ?? 'http-01';
  const dnsHook = raw.dns_hook !== undefined ? ctx.resolveFile(raw.dns_hook) : undefined;
  // The ACME library's own rules (one wording for check and the manager): a directory URL or a
  // CA name (letsencrypt, letsencrypt-staging), the email, wildcards need dns-01, no IP hosts.
  const settings = {
    directory: raw.directory,
    challenge,
    ...(raw.email !== undefined ? { email: raw.email } : {}),
    ...(dnsHook !== undefined ? { dns_hook: dnsHook } : {}),
  };
  for (const p of checkAcmeSettings(hosts, settings, `${sp}.acme`)) {
    ctx.add(p.severity, p.path, p.message, p.hint);
    if (p.severity === 'error') ok = false;
  }
  if (dnsHook !== undefined && challenge === 'dns-01' && !(await isExecutableFile(dnsHook))) {
    ctx.add(
      'error',
      `${sp}.acme.dns_hook`,
      `dns_hook ${dnsHook} is not an executable file`,
      'give the path of the hook command (relative paths start at the config file) and make it executable (chmod +x)',
    );
    ok = false;
  }
  let caPem: string | undefined;
  if (raw.ca !== undefined) {
    caPem = (await ctx.readCaFiles(raw.ca, `${sp}.acme.ca`))?.join('\n');
    if (caPem === undefined) ok = false;
  }
  if (!ok || hosts.length === 0) return undefined;
  return {
    directory: directoryUrl(raw.directory),
    challenge,
    // The certificate manager's own rule, so both look in the same live/ directory.
    lineage: lineageName(hosts),
    ...(raw.email !== undefined ? { email: raw.email } : {}),
    ...(caPem !== undefined ? { caPem } : {}),
    ...(dnsHook !== undefined ? { dnsHook } : {}),
  };
}

/**
 * The certificate a previous run obtained, when it is on disk and usable. Whatever is there, an
 * ACME site is no error: `serve` writes a placeholder and orders what is missing; check says so.
 */
export async function acmeCertificateOnDisk(
  ctx: Checker,
  sp: string,
  acme: AcmePlan,
  hosts: readonly string[],
): Promise<CertificatePair | undefined> {
  const live = lineagePaths(ctx.stateDir, acme.lineage);
  const where = `${sp}.acme`;
  const current = await readLineage(ctx.stateDir, acme.lineage);
  if (current === undefined) {
    ctx.add(
      'warning',
      where,
      `no certificate in ${live.liveDir} yet: \`tlsterm serve\` obtains one at its first start (${acme.challenge}) and serves a self-signed placeholder until then`,
      'nothing to do if the CA can reach this host; `tlsterm cert status` shows how the order went',
    );
    return undefined;
  }
  if (current.selfSigned) {
    ctx.add(
      'warning',
      where,
      `${live.liveDir} holds the self-signed placeholder: the first ACME issuance has not succeeded yet`,
      "clients see a certificate warning until it does; `tlsterm cert status` shows the last attempt's error",
    );
    return (await ctx.loadAbsolute(live.fullchain, live.privkey)).pair;
  }
  const reason = issueReason(current, hosts, ctx.opts.now ?? new Date());
  if (reason !== undefined) {
    ctx.add(
      'warning',
      where,
      `the certificate in ${live.liveDir} ${REORDER_REASONS[reason]}: \`tlsterm serve\` orders a new one at start`,
      'it serves the one on disk until the new one is issued',
    );
    return undefined;
  }
  const loaded = await ctx.loadAbsolute(live.fullchain, live.privkey);
  const why = loaded.problems.find((p) => p.severity === 'error');
  if (loaded.pair === undefined && why !== undefined) {
    ctx.add(
      'warning',
      where,
      `the certificate in ${live.liveDir} does not pass the checks hot reload makes: ${why.message}`,
      `${why.hint}; until then a renewed certificate is refused and the old one keeps serving`,
    );
  }
  return loaded.pair;
}

/** ACME needs a way in for the CA: say so at check time, not at the first failed order. */
export function acmeCrossChecks(
  ctx: Checker,
  listeners: readonly ListenerPlan[],
  httpListeners: readonly HttpListenerPlan[],
): void {
  // One live/<name>/ per set of hosts: two host sets under one name would replace each other's files.
  const lineages = new Map<string, SitePlan>();
  for (const l of listeners) {
    for (const site of l.sites) {
      if (site.acme === undefined) continue;
      const first = lineages.get(site.acme.lineage);
      if (first === undefined) lineages.set(site.acme.lineage, site);
      else if (!sameHosts(first.hosts, site.hosts)) {
        ctx.add(
          'error',
          `${site.id}.acme`,
          `this site and ${first.id} would share the ACME certificate live/${site.acme.lineage}/ with different hosts, so each order would replace the other's certificate`,
          'give both sites the same hosts (one certificate then serves both), or list a different host first in one of them',
        );
      }
    }
  }
  for (const l of listeners) {
    for (const site of l.sites) {
      if (site.acme?.challenge === 'http-01' && httpListeners.length === 0) {
        ctx.add(
          'warning',
          `${site.id}.acme`,
          'challenge http-01: the CA connects to port 80, but no listener has http: {}',
          'add a listener { address: 0.0.0.0:80, http: { redirect_https: true } }',
        );
      }
      if (site.acme?.challenge === 'tls-alpn-01' && l.port !== 443) {
        ctx.add(
          'warning',
          `${site.id}.acme`,
          `challenge tls-alpn-01: the CA connects to port 443, but this listener is on ${l.port}`,
          'put the site on a listener at :443 (or use http-01 / dns-01)',
        );
      }
    }
  }
}
