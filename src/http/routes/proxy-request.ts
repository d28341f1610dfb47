// What a front needs to proxy a routed request: the forwarding context toward the chosen server and
// the route's rewrite of the request line and Host. Made per routed request (sites without routes
// never get here).

import { Buffer } from 'node:buffer';
import type { ForwardedParts } from '../forwarded.ts';
import type { ForwardContext, HeadRewrite } from '../head-builder.ts';
import type { Pool } from '../upstream-pool.ts';
import { rewriteTarget } from './rewrite.ts';
import type { Route } from './table.ts';

export const forwardTo = (
  conns: Pool,
  parts: ForwardedParts,
  trust: boolean,
  via: boolean,
): ForwardContext => ({
  parts,
  trust,
  upstreamHost: conns.authority,
  via: via && conns.upstream.via !== false,
});

/** The route's rewrite as strings (h2 renders its own head), or null when it has none. */
export const rewriteOf = (
  route: Route,
  target: string,
): { readonly target: string | null; readonly host: string | null } | null => {
  if (route.rewrite === null && route.host === null) return null;
  return { target: route.rewrite === null ? null : rewriteTarget(target, route.rewrite), host: route.host };
};

/** The same for the HTTP/1.1 head builder. */
export const headRewriteOf = (route: Route, target: string): HeadRewrite | null => {
  if (route.rewrite === null && route.hostBytes === null) return null;
  return {
    target: route.rewrite === null ? null : Buffer.from(rewriteTarget(target, route.rewrite), 'latin1'),
    host: route.hostBytes,
  };
};
