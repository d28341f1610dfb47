// Before the listeners start: every ACME site gets something to serve. Where live/<name>/ holds
// nothing usable yet, a self-signed placeholder for the site's hosts is written there; then each
// ACME site's certificates become the live/ pair, so the file watcher follows live/ and swaps the
// issued certificate in without a restart. Run once before the serving processes start (it writes
// files; `tlsterm check` does not); running it again finds the files and writes nothing.

import { loadLineagePair } from '../../certs/acme/lineage-pair.ts';
import { ensurePlaceholderCertificate } from '../../certs/acme/placeholder.ts';
import type { CertificatePair } from '../../certs/pair.ts';
import type { Plan } from '../../config/plan.ts';
import { Errors, TlstermError } from '../../errors.ts';
import type { Logger } from '../../observe/index.ts';
import { acmeSitesOf, hasAcmeSites } from './sites.ts';

export async function prepareAcmeSites(plan: Plan, log: Logger, now: Date = new Date()): Promise<Plan> {
  if (!hasAcmeSites(plan)) return plan;
  const pairs = new Map<string, CertificatePair | undefined>();
  for (const site of acmeSitesOf(plan)) {
    const name = site.name ?? '';
    try {
      const made = await ensurePlaceholderCertificate(plan.stateDir, name, site.hosts, now);
      if (made.created) {
        log({
          event: 'certificate_placeholder',
          level: 'warning',
          name,
          hosts: site.hosts,
          cert: made.certPath,
          detail: 'serving a self-signed certificate until the first ACME issuance succeeds',
        });
      }
    } catch (e) {
      throw new TlstermError(Errors.stateDir(plan.stateDir, e instanceof Error ? e.message : String(e)), {
        cause: e,
      });
    }
    pairs.set(name, await loadLineagePair(plan.stateDir, name));
  }
  return {
    ...plan,
    listeners: plan.listeners.map((listener) => ({
      ...listener,
      sites: listener.sites.map((site) => {
        const pair = site.acme ? pairs.get(site.acme.lineage) : undefined;
        return site.acme && pair ? { ...site, certificates: [pair] } : site;
      }),
    })),
  };
}
