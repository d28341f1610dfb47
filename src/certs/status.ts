// `tlsterm cert status`: every certificate a config serves — from files, from ACME, or from the local
// CA — with its names, serial, expiry, days left and, for ACME, the next renewal. Reads files only;
// it never orders, writes or loads acme-client.

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Problem } from '../problems.ts';
import { assignLineageNames, lineagePaths, readLineage } from './acme/lineage.ts';
import { lifetimeRenewalAt } from './acme/renewal.ts';
import { readRenewalRecord } from './acme/renewal-record.ts';
import type { AcmeSettings, AcmeSiteConfig } from './acme/settings.ts';
import { type CertificateSource, type ExpiryFinding, expiryFinding } from './expiry.ts';
import { loadCertificatePair } from './load-pair.ts';
import { parseSubjectAltName } from './names.ts';
import { pemBlocks } from './pem.ts';

const DAY_MS = 86_400_000;

export interface AcmeStatus {
  readonly name: string;
  /** missing: tlsterm has not run for this site yet; placeholder: waiting for the first issuance. */
  readonly state: 'missing' | 'placeholder' | 'issued';
  readonly directory: string;
  readonly challenge: string;
  readonly nextRenewalAt?: Date;
  /** ari / lifetime: from the manager's record; estimate: one third of lifetime, no record yet. */
  readonly renewalSource?: 'ari' | 'lifetime' | 'now' | 'estimate';
  readonly failures: number;
  readonly lastError?: string;
  readonly nextAttemptAt?: Date;
}

export interface CertificateStatus {
  /** Where it is configured: `listeners[0].sites[1].certificates[0]`, `listeners[0].sites[2].acme`. */
  readonly id: string;
  readonly source: CertificateSource;
  readonly hosts: readonly string[];
  readonly certPath: string;
  readonly keyPath: string;
  readonly subject?: string;
  readonly issuer?: string;
  readonly sans?: readonly string[];
  readonly serialNumber?: string;
  readonly notAfter?: Date;
  readonly daysLeft?: number;
  /** load-pair's findings (errors and warnings). */
  readonly problems: readonly Problem[];
  readonly expiry?: ExpiryFinding;
  readonly acme?: AcmeStatus;
}

export interface StatusOptions {
  readonly stateDir: string;
  /** Extra roots (PEM texts) chains may end at. */
  readonly extraCa?: readonly string[];
  readonly now?: Date;
}

interface LeafFacts {
  subject: string;
  issuer: string;
  sans: string[];
  serialNumber: string;
  notAfter: Date;
  cert: crypto.X509Certificate;
}

async function readLeaf(certPath: string): Promise<LeafFacts | undefined> {
  try {
    const block = pemBlocks(await fs.readFile(certPath, 'latin1')).find((b) => b.label === 'CERTIFICATE');
    if (!block) return undefined;
    const cert = new crypto.X509Certificate(block.text);
    return {
      subject: cert.subject.split('\n').join(', '),
      issuer: cert.issuer.split('\n').join(', '),
      sans: parseSubjectAltName(cert.subjectAltName),
      serialNumber: cert.serialNumber,
      notAfter: cert.validToDate,
      cert,
    };
  } catch {
    return undefined;
  }
}

async function localCa(stateDir: string): Promise<crypto.X509Certificate | undefined> {
  try {
    return new crypto.X509Certificate(await fs.readFile(path.join(stateDir, 'ca', 'ca.pem')));
  } catch {
    return undefined;
  }
}

function issuedBy(leaf: crypto.X509Certificate, ca: crypto.X509Certificate | undefined): boolean {
  try {
    return ca !== undefined && leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  } catch {
    return false;
  }
}

const factsOf = (leaf: LeafFacts | undefined, now: Date) =>
  leaf
    ? {
        subject: leaf.subject,
        issuer: leaf.issuer,
        sans: leaf.sans,
        serialNumber: leaf.serialNumber,
        notAfter: leaf.notAfter,
        daysLeft: Math.floor((leaf.notAfter.getTime() - now.getTime()) / DAY_MS),
      }
    : {};

/** A `{ cert, key }` pair from the config (or the local CA's leaf). */
export async function fileCertificateStatus(
  id: string,
  hosts: readonly string[],
  certPath: string,
  keyPath: string,
  opts: StatusOptions,
): Promise<CertificateStatus> {
  const now = opts.now ?? new Date();
  const ca = await localCa(opts.stateDir);
  const extraCa = [...(opts.extraCa ?? []), ...(ca ? [ca.toString()] : [])];
  const [leaf, loaded] = await Promise.all([
    readLeaf(certPath),
    loadCertificatePair(certPath, keyPath, { now, extraCa }),
  ]);
  const source: CertificateSource = leaf && issuedBy(leaf.cert, ca) ? 'local-ca' : 'files';
  const expiry = leaf
    ? expiryFinding(
        { id, subject: leaf.subject, serialNumber: leaf.serialNumber, notAfter: leaf.notAfter, source },
        now,
      )
    : undefined;
  return {
    id,
    source,
    hosts,
    certPath,
    keyPath,
    ...factsOf(leaf, now),
    // Expiry is reported once, by the 14/3-day rule, not also as load-pair's warning.
    problems: loaded.problems.filter((p) => !/ expires in \d+ days?, on /.test(p.message)),
    ...(expiry ? { expiry } : {}),
  };
}

/** An ACME site: what live/<name>/ holds and what the manager recorded about it. */
export async function acmeCertificateStatus(
  id: string,
  site: AcmeSiteConfig,
  opts: StatusOptions & { readonly name?: string },
): Promise<CertificateStatus> {
  const now = opts.now ?? new Date();
  const name = opts.name ?? site.name ?? assignLineageNames([site.hosts])[0] ?? 'certificate';
  const paths = lineagePaths(opts.stateDir, name);
  const [lineage, record, leaf] = await Promise.all([
    readLineage(opts.stateDir, name),
    readRenewalRecord(opts.stateDir, name),
    readLeaf(paths.fullchain),
  ]);
  const state: AcmeStatus['state'] = !lineage ? 'missing' : lineage.selfSigned ? 'placeholder' : 'issued';
  const recordFits = record !== undefined && record.serial === lineage?.serialNumber;
  let nextRenewalAt: Date | undefined;
  let renewalSource: AcmeStatus['renewalSource'];
  if (state === 'issued' && lineage) {
    if (recordFits && record?.nextRenewalAt) {
      nextRenewalAt = new Date(record.nextRenewalAt);
      renewalSource = record.renewalSource;
    } else {
      nextRenewalAt = lifetimeRenewalAt(lineage.notBefore, lineage.notAfter);
      renewalSource = 'estimate';
    }
  }
  const acme: AcmeStatus = {
    name,
    state,
    directory: site.acme.directory,
    challenge: site.acme.challenge,
    ...(nextRenewalAt ? { nextRenewalAt } : {}),
    ...(renewalSource ? { renewalSource } : {}),
    failures: record?.failures ?? 0,
    ...(record?.lastError ? { lastError: record.lastError } : {}),
    ...(record?.nextAttemptAt ? { nextAttemptAt: new Date(record.nextAttemptAt) } : {}),
  };
  const expiry =
    leaf && state === 'issued'
      ? expiryFinding(
          {
            id,
            subject: leaf.subject,
            serialNumber: leaf.serialNumber,
            notAfter: leaf.notAfter,
            source: 'acme',
          },
          now,
        )
      : undefined;
  const problems: Problem[] = [];
  if (state === 'missing') {
    problems.push({
      severity: 'warning',
      path: id,
      message: `no certificate in ${paths.liveDir} yet`,
      hint: 'start tlsterm serve: it writes a placeholder at once and orders the certificate',
    });
  } else if (state === 'placeholder') {
    problems.push({
      severity: 'warning',
      path: id,
      message: 'serving a self-signed placeholder: the first ACME issuance has not succeeded yet',
      hint: record?.lastError
        ? `last attempt failed: ${record.lastError}`
        : 'wait for the first order; `certificate_issued` / `certificate_renewal_failed` events say how it went',
    });
  }
  return {
    id,
    source: 'acme',
    hosts: site.hosts,
    certPath: paths.fullchain,
    keyPath: paths.privkey,
    ...factsOf(leaf, now),
    problems,
    ...(expiry ? { expiry } : {}),
    acme,
  };
}

// --- reading a config leniently: only what status needs, so a config with errors still lists

export interface ConfigCertificates {
  readonly stateDir: string | undefined;
  readonly extraCa: readonly string[];
  readonly files: readonly { id: string; hosts: string[]; certPath: string; keyPath: string }[];
  readonly acme: readonly { id: string; site: AcmeSiteConfig }[];
  /** Why something could not be read (YAML syntax, unreadable extra_ca). */
  readonly notes: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/** The certificates of a config file: `{cert,key}` pairs and `acme:` blocks, paths resolved. */
export async function readConfigCertificates(file: string): Promise<ConfigCertificates> {
  const notes: string[] = [];
  const dir = path.dirname(path.resolve(file));
  const abs = (p: string): string => path.resolve(dir, p);
  let doc: unknown;
  try {
    doc = parseYaml(await fs.readFile(file, 'utf8'));
  } catch (e) {
    return {
      stateDir: undefined,
      extraCa: [],
      files: [],
      acme: [],
      notes: [`cannot read ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`],
    };
  }
  const root = isObject(doc) ? doc : {};
  const stateDir = typeof root['state_dir'] === 'string' ? abs(root['state_dir']) : undefined;
  const extraCa: string[] = [];
  for (const p of strings(root['extra_ca'])) {
    try {
      extraCa.push(await fs.readFile(abs(p), 'utf8'));
    } catch {
      notes.push(`extra_ca ${p} is unreadable`);
    }
  }
  const files: ConfigCertificates['files'][number][] = [];
  const acme: ConfigCertificates['acme'][number][] = [];
  const listeners = Array.isArray(root['listeners']) ? root['listeners'] : [];
  listeners.forEach((listener: unknown, i) => {
    const sites = isObject(listener) && Array.isArray(listener['sites']) ? listener['sites'] : [];
    sites.forEach((site: unknown, j) => {
      if (!isObject(site)) return;
      const hosts = strings(site['hosts']);
      const certs = Array.isArray(site['certificates']) ? site['certificates'] : [];
      certs.forEach((c: unknown, k) => {
        if (isObject(c) && typeof c['cert'] === 'string' && typeof c['key'] === 'string') {
          files.push({
            id: `listeners[${i}].sites[${j}].certificates[${k}]`,
            hosts,
            certPath: abs(c['cert']),
            keyPath: abs(c['key']),
          });
        }
      });
      const a = site['acme'];
      if (isObject(a)) {
        const settings: AcmeSettings = {
          ...(typeof a['email'] === 'string' ? { email: a['email'] } : {}),
          directory: typeof a['directory'] === 'string' ? a['directory'] : '',
          challenge: (typeof a['challenge'] === 'string'
            ? a['challenge']
            : 'http-01') as AcmeSettings['challenge'],
          ...(typeof a['ca'] === 'string' ? { ca: abs(a['ca']) } : {}),
          ...(typeof a['dns_hook'] === 'string' ? { dns_hook: abs(a['dns_hook']) } : {}),
        };
        acme.push({ id: `listeners[${i}].sites[${j}].acme`, site: { hosts, acme: settings } });
      }
    });
  });
  return { stateDir, extraCa, files, acme, notes };
}

/** Status of every certificate in a config (ACME lineage names assigned as the manager does). */
export async function configCertificateStatus(
  cfg: ConfigCertificates,
  opts: StatusOptions,
): Promise<CertificateStatus[]> {
  const names = assignLineageNames(cfg.acme.map((a) => a.site.hosts));
  const extraCa = [...(opts.extraCa ?? []), ...cfg.extraCa];
  return Promise.all([
    ...cfg.files.map((f) =>
      fileCertificateStatus(f.id, f.hosts, f.certPath, f.keyPath, { ...opts, extraCa }),
    ),
    ...cfg.acme.map((a, i) =>
      acmeCertificateStatus(a.id, a.site, { ...opts, extraCa, ...(names[i] ? { name: names[i] } : {}) }),
    ),
  ]);
}

// --- text

const when = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function renewalLine(s: CertificateStatus, now: Date): string {
  if (s.source === 'local-ca') return 'by tlsterm at start, when fewer than 30 days are left';
  if (s.source === 'files') return 'by whoever writes the files (certbot, your CA); tlsterm reloads them';
  const a = s.acme;
  if (a?.state !== 'issued') return 'first issuance pending';
  const at = a.nextRenewalAt;
  if (!at) return 'unknown';
  const label =
    a.renewalSource === 'ari'
      ? 'ACME Renewal Information'
      : a.renewalSource === 'estimate'
        ? 'one third of lifetime left (estimate: no record from the manager yet)'
        : 'one third of lifetime left';
  return at.getTime() <= now.getTime() ? `due now (${label})` : `${when(at)} (${label})`;
}

export function formatCertificateStatus(rows: readonly CertificateStatus[], now: Date = new Date()): string {
  const out: string[] = [];
  for (const s of rows) {
    out.push(`${s.id}  ${s.source}${s.acme ? ` (${s.acme.name}, ${s.acme.state})` : ''}`);
    const field = (k: string, v: string): void => {
      out.push(`  ${k.padEnd(9)} ${v}`);
    };
    if (s.hosts.length > 0) field('hosts', s.hosts.join(', '));
    if (s.subject !== undefined) field('subject', s.subject);
    if (s.sans) field('names', s.sans.join(', ') || '(none)');
    if (s.issuer !== undefined) field('issuer', s.issuer);
    if (s.serialNumber !== undefined) field('serial', s.serialNumber);
    if (s.notAfter) {
      const days = s.daysLeft ?? 0;
      const left =
        s.notAfter.getTime() <= now.getTime() ? 'expired' : `${days} day${days === 1 ? '' : 's'} left`;
      field('expires', `${when(s.notAfter)} (${left})`);
    }
    field('renewal', renewalLine(s, now));
    if (s.acme) {
      field('acme', `${s.acme.directory}, ${s.acme.challenge}`);
      if (s.acme.failures > 0) {
        field(
          'failing',
          `${s.acme.failures} attempt${s.acme.failures === 1 ? '' : 's'}: ${s.acme.lastError ?? 'unknown error'}${s.acme.nextAttemptAt ? `; next try ${when(s.acme.nextAttemptAt)}` : ''}`,
        );
      }
    }
    field('files', `${s.certPath}, ${s.keyPath}`);
    if (s.expiry) out.push(`  ${s.expiry.severity}: ${s.expiry.message}`, `    hint: ${s.expiry.hint}`);
    for (const p of s.problems) out.push(`  ${p.severity}: ${p.message}`, `    hint: ${p.hint}`);
    out.push('');
  }
  const errors = rows.filter(
    (r) => r.expiry?.severity === 'error' || r.problems.some((p) => p.severity === 'error'),
  );
  const warnings = rows.filter(
    (r) => !errors.includes(r) && (r.expiry !== undefined || r.problems.length > 0),
  );
  out.push(
    `${rows.length} certificate${rows.length === 1 ? '' : 's'}: ${errors.length} with errors, ${warnings.length} with warnings`,
  );
  return `${out.join('\n')}\n`;
}

/** Exit status for scripts and monitoring: 1 when any certificate is in the error band or broken. */
export const statusHasErrors = (rows: readonly CertificateStatus[]): boolean =>
  rows.some((r) => r.expiry?.severity === 'error' || r.problems.some((p) => p.severity === 'error'));
