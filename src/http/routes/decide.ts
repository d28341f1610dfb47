// Step 3 of the request path, the same for both fronts: the route that takes a request, and what it
// does — a local answer (redirect, respond, inspect, 404, the circuit's 503), or a proxy attempt on
// a server its pool picked. Null: no route matched, the site's own upstream serves it as before.

import { PoolAttempt } from '../pools/attempt.ts';
import type { HashKey } from '../pools/plan.ts';
import type { ConnectionInfo, HttpLogger, LocalHandler } from '../types.ts';
import { unavailableHandler } from './actions.ts';
import type { MatchInput } from './match.ts';
import type { Route, RouteTable } from './table.ts';

export type RouteOutcome =
  | { readonly local: LocalHandler; readonly upstream: string }
  | { readonly local: null; readonly route: Route; readonly attempt: PoolAttempt };

export const routeRequest = (
  table: RouteTable,
  req: MatchInput,
  conn: ConnectionInfo,
  log: HttpLogger,
): RouteOutcome | null => {
  const route = table.pick(req);
  if (route === null) return table.fallback === null ? null : { local: table.fallback, upstream: 'none' };
  if (route.handler !== null) return { local: route.handler, upstream: 'local' };
  const pool = route.pool!;
  const key = pool.plan.hashKey === undefined ? '' : hashKeyOf(pool.plan.hashKey, req, conn);
  const server = pool.pick(key, null);
  if (server === null) {
    // The circuit is open: answered now rather than a connect attempt per request.
    log({
      event: 'upstream_error',
      status: 503,
      upstream: pool.name,
      error: 'NO_HEALTHY_UPSTREAM',
      detail: `no server of pool ${pool.name} is up: ${pool.downReason()}`,
      method: req.method,
      path: req.path,
      client: conn.clientAddress,
      sni: conn.serverName ?? null,
    });
    return { local: unavailableHandler, upstream: pool.name };
  }
  return { local: null, route, attempt: new PoolAttempt(pool, server, pool.plan.retries) };
};

const hashKeyOf = (k: HashKey, req: MatchInput, conn: ConnectionInfo): string => {
  if (k.kind === 'client_ip') return conn.clientAddress;
  if (k.kind === 'header') return req.header(k.name) ?? '';
  return cookieValue(req.header('cookie'), k.name) ?? conn.clientAddress;
};

const cookieValue = (header: string | undefined, name: string): string | undefined => {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
};
