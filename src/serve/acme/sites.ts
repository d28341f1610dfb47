// The ACME sites of a plan, one per lineage (sites on several listeners with the same hosts share
// one certificate; `tlsterm check` refuses one lineage name for different hosts).

import { type AcmeSiteConfig, acmeSiteFromPlan } from '../../certs/acme/settings.ts';
import type { Plan, SitePlan } from '../../config/plan.ts';

export function acmeSitesOf(plan: Pick<Plan, 'listeners'>): AcmeSiteConfig[] {
  const byLineage = new Map<string, AcmeSiteConfig>();
  for (const listener of plan.listeners) {
    for (const site of listener.sites) {
      const acme = site.acme;
      if (acme === undefined || byLineage.has(acme.lineage)) continue;
      byLineage.set(acme.lineage, acmeSiteFromPlan({ hosts: site.hosts, acme }));
    }
  }
  return [...byLineage.values()];
}

export const isAcmeSite = (site: SitePlan): boolean => site.acme !== undefined;

export const hasAcmeSites = (plan: Pick<Plan, 'listeners'>): boolean =>
  plan.listeners.some((l) => l.sites.some(isAcmeSite));
