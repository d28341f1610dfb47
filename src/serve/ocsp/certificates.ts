// The certificates of a plan that get a staple: read from their files (hot reload and ACME renewals
// change them; the primary re-reads them, as the expiry check does), one entry per certificate
// with the sites serving it. A site with several certificates is left out (see config/ocsp-check.ts),
// so is one with ocsp off, or a certificate that names no responder and is not must-staple.

import fs from 'node:fs';
import { lineagePaths } from '../../certs/acme/lineage.ts';
import { DEFAULT_OCSP, type OcspCertificate, ocspTarget, responderUrls } from '../../certs/ocsp/index.ts';
import type { Plan, SitePlan } from '../../config/plan.ts';

/** Sites whose handshakes are answered from the staples (the same rule the refresher follows). */
export const staplesFor = (site: SitePlan): boolean =>
  site.mode === 'terminate' && site.certificates.length === 1 && (site.ocsp ?? DEFAULT_OCSP).enabled;

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
};

export function ocspCertificatesOf(plan: Pick<Plan, 'stateDir' | 'listeners'>): OcspCertificate[] {
  const byPrint = new Map<string, { cert: OcspCertificate; sites: string[] }>();
  for (const listener of plan.listeners)
    for (const site of listener.sites) {
      if (!staplesFor(site)) continue;
      const ocsp = site.ocsp ?? DEFAULT_OCSP;
      const file = site.acme
        ? lineagePaths(plan.stateDir, site.acme.lineage).fullchain
        : site.certificates[0]?.certPath;
      const pem = file !== undefined ? readText(file) : undefined;
      const target = pem !== undefined ? ocspTarget(pem) : undefined;
      if (!target || (responderUrls(ocsp, target.aiaUrls).length === 0 && !target.mustStaple)) continue;
      const known = byPrint.get(target.fingerprint);
      if (known) known.sites.push(site.id);
      else byPrint.set(target.fingerprint, { cert: { target, plan: ocsp, sites: [] }, sites: [site.id] });
    }
  return [...byPrint.values()].map(({ cert, sites }) => ({ ...cert, sites }));
}
