// Certificates renewed on disk are served without anyone remembering to reload (seed 001's
// classic outage): every file pair of every terminating site is watched, a new pair is validated
// (key match, chain, dates, names) and swapped in for new handshakes; a bad one is refused, the
// old one keeps serving, and the log says why.

import type { CertificatePair } from '../certs/pair.ts';
import { type PairWatcher, reloadEvent, watchCertificatePair } from '../certs/reload/index.ts';
import type { Plan } from '../config/plan.ts';
import type { Logger } from '../observe/index.ts';
import { replaceSitePairs, type SiteRuntime } from './site-runtime.ts';

export interface ReloadOptions {
  /** Fingerprint poll interval (fs.watch misses events on some filesystems); default 30 s. */
  readonly pollIntervalMs?: number;
}

export async function watchSiteCertificates(
  plan: Plan,
  sites: readonly SiteRuntime[],
  log: Logger,
  opts: ReloadOptions = {},
): Promise<() => void> {
  const watchers: PairWatcher[] = [];
  for (const site of sites) {
    if (site.plan.mode === 'passthrough') continue;
    for (const [k, pair] of site.plan.certificates.entries()) {
      watchers.push(
        await watchCertificatePair({
          certPath: pair.certPath,
          keyPath: pair.keyPath,
          hosts: site.plan.hosts,
          load: { extraCa: plan.extraCa },
          current: pair,
          ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
          onChange: (outcome) => {
            log(
              reloadEvent(outcome, {
                certPath: pair.certPath,
                keyPath: pair.keyPath,
                id: `${site.plan.id}.certificates[${k}]`,
              }),
            );
            if (outcome.kind !== 'reloaded') return;
            const next: CertificatePair[] = [...site.pairs];
            next[k] = outcome.pair;
            replaceSitePairs(site, next);
          },
        }),
      );
    }
  }
  return () => {
    for (const w of watchers) w.close();
  };
}
