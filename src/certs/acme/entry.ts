// One managed certificate (an Entry): the site's hosts and ACME settings, its live/<name>/ paths, and
// what the manager knows about it now (state, the certificate in service, the renewal plan, the last
// failure). The entries are built once from the sites; the renewal record and the status shown to
// `tlsterm cert status` are read off an entry here.

import type { Logger } from '../../observe/logger.ts';
import type { RenewalInfo } from './ari.ts';
import { assignLineageNames, type LineageCertificate, type LineagePaths, lineagePaths } from './lineage.ts';
import type { AcmeProblem } from './problem.ts';
import type { RenewalPlan } from './renewal.ts';
import { type RenewalRecord, writeRenewalRecord } from './renewal-record.ts';
import { type AcmeSettings, type AcmeSiteConfig, directoryUrl } from './settings.ts';

export type ManagedState = 'starting' | 'placeholder' | 'valid' | 'ordering' | 'failing';

export interface ManagedCertificateStatus {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly directory: string;
  readonly challenge: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly state: ManagedState;
  readonly serial?: string;
  readonly notAfter?: Date;
  readonly nextRenewal?: RenewalPlan;
  readonly failures: number;
  readonly lastError?: string;
  readonly lastProblem?: AcmeProblem;
  readonly nextAttemptAt?: Date;
}

export interface Entry {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly settings: AcmeSettings;
  readonly directory: string;
  readonly paths: LineagePaths;
  state: ManagedState;
  timer?: NodeJS.Timeout;
  running?: Promise<boolean>;
  /** A timer fired while running: evaluate again once done. */
  again?: boolean;
  current?: LineageCertificate;
  plan?: RenewalPlan;
  loggedPlan?: string;
  ari?: { serial: string; info: RenewalInfo; nextPollAt: number };
  failures: number;
  lastError?: string;
  lastProblem?: AcmeProblem;
  nextAttemptAt?: Date;
}

/**
 * One entry per lineage name (a site's own `name`, else the one assigned from its hosts). Sites with
 * the same hosts share the first one's entry; other hosts under a taken name are logged.
 */
export function entriesFor(
  sites: readonly AcmeSiteConfig[],
  stateDir: string,
  log: Logger,
): Map<string, Entry> {
  const names = assignLineageNames(sites.map((s) => s.hosts));
  const entries = new Map<string, Entry>();
  sites.forEach((site, i) => {
    const name = site.name ?? names[i] ?? `certificate-${i}`;
    const earlier = entries.get(name);
    if (earlier) {
      // Same hosts as an earlier site: one certificate serves both. Other hosts: a config mistake.
      const same = (a: readonly string[], b: readonly string[]): boolean =>
        a.length === b.length && [...a].sort().every((h, k) => h === [...b].sort()[k]);
      if (!same(earlier.hosts, site.hosts)) {
        log({
          event: 'acme_lineage_conflict',
          level: 'error',
          name,
          hosts: site.hosts,
          managed_hosts: earlier.hosts,
          detail: `two sites share live/${name}/ with different hosts; only the first one's are ordered`,
        });
      }
      return;
    }
    entries.set(name, {
      name,
      hosts: [...site.hosts],
      settings: site.acme,
      directory: directoryUrl(site.acme.directory),
      paths: lineagePaths(stateDir, name),
      state: 'starting',
      failures: 0,
    });
  });
  return entries;
}

/** A success (here or on another instance): no failure left to report or back off from. */
export function clearFailures(entry: Entry): void {
  entry.failures = 0;
  entry.lastError = undefined;
  entry.lastProblem = undefined;
  entry.nextAttemptAt = undefined;
}

/** What `tlsterm cert status` reads from another process, as of `now`. */
export function renewalRecordOf(entry: Entry, now: Date): RenewalRecord {
  return {
    name: entry.name,
    hosts: entry.hosts,
    directory: entry.directory,
    challenge: entry.settings.challenge,
    ...(entry.current && !entry.current.selfSigned
      ? { serial: entry.current.serialNumber, notAfter: entry.current.notAfter.toISOString() }
      : {}),
    ...(entry.plan ? { nextRenewalAt: entry.plan.at.toISOString(), renewalSource: entry.plan.source } : {}),
    ...(entry.plan?.window
      ? {
          ariWindow: {
            start: entry.plan.window.start.toISOString(),
            end: entry.plan.window.end.toISOString(),
          },
        }
      : {}),
    ...(entry.ari?.info.explanationUrl ? { ariExplanationUrl: entry.ari.info.explanationUrl } : {}),
    failures: entry.failures,
    ...(entry.lastError ? { lastError: entry.lastError } : {}),
    ...(entry.lastProblem ? { lastProblem: entry.lastProblem } : {}),
    ...(entry.nextAttemptAt ? { nextAttemptAt: entry.nextAttemptAt.toISOString() } : {}),
    updatedAt: now.toISOString(),
  };
}

export interface PersistDeps {
  readonly stateDir: string;
  readonly log: Logger;
  readonly now: () => Date;
}

/** Write the entry's renewal record; a failed write is logged, never thrown (the files in live/ count). */
export async function persistEntry(entry: Entry, deps: PersistDeps): Promise<void> {
  const record = renewalRecordOf(entry, deps.now());
  try {
    await writeRenewalRecord(deps.stateDir, record);
  } catch (e) {
    deps.log({ event: 'acme_state_write_failed', level: 'warning', name: entry.name, error: String(e) });
  }
}

/** The entry as `CertificateManager.status()` shows it (a placeholder has no serial to show). */
export function entryStatus(e: Entry): ManagedCertificateStatus {
  return {
    name: e.name,
    hosts: e.hosts,
    directory: e.directory,
    challenge: e.settings.challenge,
    certPath: e.paths.fullchain,
    keyPath: e.paths.privkey,
    state: e.state,
    ...(e.current && !e.current.selfSigned
      ? { serial: e.current.serialNumber, notAfter: e.current.notAfter }
      : {}),
    ...(e.plan ? { nextRenewal: e.plan } : {}),
    failures: e.failures,
    ...(e.lastError ? { lastError: e.lastError } : {}),
    ...(e.lastProblem ? { lastProblem: e.lastProblem } : {}),
    ...(e.nextAttemptAt ? { nextAttemptAt: e.nextAttemptAt } : {}),
  };
}
