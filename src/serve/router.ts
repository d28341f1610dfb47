// SNI routing: exact names first, then the longest matching `*.` wildcard, then the default site.
// We own this map instead of tls.Server#addContext, whose later wildcards shadow exact names.

import type { SitePlan } from '../config/plan.ts';

export interface SiteIndex<S> {
  readonly exact: ReadonlyMap<string, S>;
  readonly wildcard: ReadonlyMap<string, S>; // key: the suffix after "*." ("example.test")
  readonly fallback: S | undefined;
}

export function buildSiteIndex<S extends { readonly plan: SitePlan }>(sites: readonly S[]): SiteIndex<S> {
  const exact = new Map<string, S>();
  const wildcard = new Map<string, S>();
  let fallback: S | undefined;
  for (const site of sites) {
    for (const host of site.plan.hosts) {
      const name = host.toLowerCase();
      if (name.startsWith('*.')) wildcard.set(name.slice(2), site);
      else exact.set(name, site);
    }
    if (site.plan.isDefault) fallback = site;
  }
  return { exact, wildcard, fallback: fallback ?? sites[0] };
}

/** The site that serves a name (exact, then the `*.` wildcard of its parent); no fallback. */
export function siteForName<S>(index: SiteIndex<S>, name: string): S | undefined {
  const hit = index.exact.get(name);
  if (hit !== undefined) return hit;
  const dot = name.indexOf('.');
  return dot > 0 ? index.wildcard.get(name.slice(dot + 1)) : undefined;
}

export type RouteResult<S> =
  | { readonly site: S; readonly matched: 'exact' | 'wildcard' | 'default' }
  | { readonly site: undefined };

export function routeSni<S>(
  index: SiteIndex<S>,
  serverName: string | undefined,
  strictSni: boolean,
): RouteResult<S> {
  if (serverName !== undefined) {
    const name = serverName.endsWith('.') ? serverName.slice(0, -1) : serverName;
    const site = siteForName(index, name);
    if (site !== undefined) return { site, matched: index.exact.has(name) ? 'exact' : 'wildcard' };
  }
  if (strictSni || index.fallback === undefined) return { site: undefined };
  return { site: index.fallback, matched: 'default' };
}
