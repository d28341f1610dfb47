// A site's routes at run time: first match wins. Local actions are LocalHandlers; proxy actions
// hold their pool and what the exchange needs (rewrite, Host, timeouts), all made once at start.

import { Buffer } from 'node:buffer';
import type { ServerPool } from '../pools/server-pool.ts';
import type { LocalHandler } from '../types.ts';
import type { ExchangeTimeouts } from '../upstream-exchange.ts';
import { redirectHandler, respondHandler } from './actions.ts';
import { type MatchInput, type MatchPlan, matches } from './match.ts';
import type { PathRewrite, RoutePlan } from './plan.ts';

export interface Route {
  readonly id: string;
  readonly match: MatchPlan;
  /** Set for redirect, respond and handler routes. */
  readonly handler: LocalHandler | null;
  /** Set for proxy routes. */
  readonly pool: ServerPool | null;
  readonly rewrite: PathRewrite | null;
  readonly host: string | null;
  /** `host` as bytes, for the HTTP/1.1 head. */
  readonly hostBytes: Buffer | null;
  readonly timeouts: ExchangeTimeouts | null;
}

export class RouteTable {
  readonly routes: readonly Route[];
  /** When no route matches: null = the site's own upstream; else this answer (404). */
  readonly fallback: LocalHandler | null;

  constructor(routes: readonly Route[], fallback: LocalHandler | null) {
    this.routes = routes;
    this.fallback = fallback;
  }

  pick(req: MatchInput): Route | null {
    for (const r of this.routes) if (matches(r.match, req)) return r;
    return null;
  }
}

/** Built-in handlers by name (inspect lives with the terminator). */
export type NamedHandlers = Readonly<Record<'inspect', LocalHandler>>;

export const buildRouteTable = (
  plans: readonly RoutePlan[],
  pools: ReadonlyMap<string, ServerPool>,
  handlers: NamedHandlers,
  fallback: LocalHandler | null,
): RouteTable =>
  new RouteTable(
    plans.map((p): Route => {
      const a = p.action;
      const base = {
        id: p.id,
        match: p.match,
        rewrite: null,
        host: null,
        hostBytes: null,
        timeouts: null,
        pool: null,
      };
      switch (a.kind) {
        case 'redirect':
          return { ...base, handler: redirectHandler(a.status, a.location) };
        case 'respond':
          return { ...base, handler: respondHandler(a.status, a.body, a.contentType) };
        case 'handler':
          return { ...base, handler: handlers[a.name] };
        case 'proxy': {
          const pool = pools.get(a.pool);
          if (pool === undefined) throw new Error(`route ${p.id}: unknown pool ${a.pool}`);
          const t = { ...pool.plan.timeouts, ...a.timeouts };
          return {
            ...base,
            handler: null,
            pool,
            rewrite: a.rewrite ?? null,
            host: a.host ?? null,
            hostBytes: a.host === undefined ? null : Buffer.from(a.host, 'latin1'),
            timeouts: {
              connectMs: t.connectMs,
              responseMs: t.responseHeaderMs,
              idleMs: t.idleMs,
              totalMs: t.totalMs,
            },
          };
        }
        default:
          return { ...base, handler: null };
      }
    }),
    fallback,
  );

/** A site served through routes (serve/site-runtime.ts makes one when `routes:` is given). */
export interface RoutedSite {
  readonly routes: RouteTable;
}

/** The site's route table, or null: a site without routes pays nothing more per request. */
export const routesOf = (site: object): RouteTable | null =>
  'routes' in site && site.routes instanceof RouteTable ? site.routes : null;
