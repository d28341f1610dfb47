// Several hosts, one certificate per name: the instance that ordered publishes the new version to the
// SharedCertificateStore; the others adopt it into their own live/<name>/ instead of ordering. Without
// a shared store both are no-ops. The store being unreachable is logged, never thrown: the local
// files stay in service and the local instance can still order.

import type { Logger } from '../../observe/logger.ts';
import type { Entry } from './entry.ts';
import { lineageFacts, readLineage, writeLineageVersion } from './lineage.ts';
import { issueReason } from './renewal.ts';
import type { SharedCertificateStore } from './shared-store.ts';

export interface SharedLineageDeps {
  readonly shared: SharedCertificateStore | undefined;
  readonly stateDir: string;
  readonly log: Logger;
  readonly now: () => Date;
}

type Site = Pick<Entry, 'name' | 'hosts' | 'paths'>;

export interface SharedLineage {
  /**
   * Write the shared version of `entry` into live/ when it is better than what is there: it fits the
   * site (key, hosts, dates) and the local one does not, or it lasts longer. Resolves true when it did.
   */
  adopt(entry: Site): Promise<boolean>;
  /** Give the others a version just issued here (kept until `notAfter`, at least an hour). */
  publish(entry: Site, version: { fullchainPem: string; keyPem: string }, notAfter: Date): Promise<void>;
}

export function createSharedLineage(deps: SharedLineageDeps): SharedLineage {
  const { shared, stateDir, log, now } = deps;

  const adopt = async (entry: Site): Promise<boolean> => {
    if (!shared) return false;
    let version: Awaited<ReturnType<SharedCertificateStore['getCertificate']>>;
    try {
      version = await shared.getCertificate(entry.name);
    } catch (e) {
      log({
        event: 'acme_shared_store_failed',
        level: 'warning',
        name: entry.name,
        operation: 'read',
        error: e instanceof Error ? e.message : String(e),
      });
      return false;
    }
    const facts = version ? lineageFacts(version.fullchainPem, version.keyPem) : undefined;
    if (!version || !facts || facts.selfSigned) return false;
    const t = now();
    const local = await readLineage(stateDir, entry.name);
    if (local?.serialNumber === facts.serialNumber) return false;
    if (issueReason(facts, entry.hosts, t)) return false;
    if (local && !issueReason(local, entry.hosts, t) && local.notAfter.getTime() >= facts.notAfter.getTime())
      return false;
    await writeLineageVersion(stateDir, entry.name, version);
    log({
      event: 'certificate_adopted',
      level: 'info',
      name: entry.name,
      hosts: entry.hosts,
      serial: facts.serialNumber,
      not_after: facts.notAfter.toISOString(),
      replaced_serial: local?.serialNumber ?? null,
      cert: entry.paths.fullchain,
      detail: 'issued by another instance; taken from the shared store',
    });
    return true;
  };

  const publish = async (
    entry: Site,
    version: { fullchainPem: string; keyPem: string },
    notAfter: Date,
  ): Promise<void> => {
    if (!shared) return;
    try {
      const ttlMs = Math.max(3_600_000, notAfter.getTime() - now().getTime());
      await shared.putCertificate(entry.name, version, ttlMs);
    } catch (e) {
      log({
        event: 'acme_shared_store_failed',
        level: 'warning',
        name: entry.name,
        operation: 'publish',
        error: e instanceof Error ? e.message : String(e),
        detail: 'the other instances will order this name themselves',
      });
    }
  };

  return { adopt, publish };
}
