// What serving one site's requests takes on an HTTP/1.1 connection (handler or pool, forwarding
// context, upgrade allowlist), made once per site per connection.

import type { SiteRequestMetrics } from '../observe/index.ts';
import { forwardedParts } from './forwarded.ts';
import type { ForwardContext } from './head-builder.ts';
import { type RouteTable, routesOf } from './routes/index.ts';
import type { SiteFilters } from './rules/filters.ts';
import type { ConnectionInfo, HttpOptions, HttpSiteRuntime, LocalHandler } from './types.ts';
import { DEFAULT_UPGRADES } from './upgrade.ts';
import type { AnyPool } from './upstream-choice.ts';
import { poolFor } from './upstream-pool.ts';

/** What serving requests for one site takes on this connection. */
export interface SiteBinding {
  readonly handler: LocalHandler | null;
  readonly pool: AnyPool | null;
  readonly upstreamName: string;
  readonly fwd: ForwardContext | null;
  readonly upgrades: readonly string[];
  readonly metrics: SiteRequestMetrics | null;
  /** The site's routes; null for a site without (it costs nothing more per request). */
  readonly routes: RouteTable | null;
  readonly filters: SiteFilters | null;
}

export const bindSite = (site: HttpSiteRuntime, info: ConnectionInfo, opts: HttpOptions): SiteBinding => {
  const handler = site.handler ?? null;
  const pool = handler === null ? poolFor(site) : null;
  return {
    handler,
    pool,
    upstreamName: pool === null ? 'local' : pool.origin,
    fwd:
      pool === null
        ? null
        : {
            parts: forwardedParts(info.clientAddress, info.clientCertLines),
            trust: opts.trustForwarded,
            upstreamHost: pool.authority,
            via: opts.via && pool.upstream.via !== false,
            edits: site.filters?.request ?? null,
          },
    upgrades: site.upgrade ?? DEFAULT_UPGRADES,
    metrics: site.metrics ?? null,
    routes: routesOf(site),
    filters: site.filters ?? null,
  };
};

/** The other sites' bindings of one connection, each made on first use. */
export class SiteBindings {
  private readonly info: ConnectionInfo;
  private readonly opts: HttpOptions;
  private map: Map<HttpSiteRuntime, SiteBinding> | null = null;

  constructor(info: ConnectionInfo, opts: HttpOptions) {
    this.info = info;
    this.opts = opts;
  }

  for(site: HttpSiteRuntime): SiteBinding {
    this.map ??= new Map();
    let b = this.map.get(site);
    if (b === undefined) {
      b = bindSite(site, this.info, this.opts);
      this.map.set(site, b);
    }
    return b;
  }
}
