// Which transport carries a site's requests to its app: the HTTP/1.1 keep-alive pool
// (upstream-pool.ts + upstream-exchange.ts) or HTTP/2 sessions (upstream-h2/), by the upstream's
// plan. The one place the fronts start an exchange, so they stay unaware of the difference.

import type { Buffer } from 'node:buffer';
import type { BodyKind } from './request-head.ts';
import { type Attempts, Exchange, type ExchangeTimeouts, type ResponseSink } from './upstream-exchange.ts';
import { H2Exchange, H2Pool } from './upstream-h2/index.ts';
import type { Pool } from './upstream-pool.ts';

/** A site's upstream connections: HTTP/1.1 or HTTP/2. */
export type AnyPool = Pool | H2Pool;

/** What a front holds while an exchange runs. */
export type UpstreamExchange = Exchange | H2Exchange;

export function openExchange(
  pool: AnyPool,
  sink: ResponseSink,
  head: Buffer,
  body: BodyKind,
  method: string,
  upgrade: boolean,
  /** A routed request's pool attempts and bounds (HTTP/1.1 pools; pools of h2 servers are not built yet). */
  attempts: Attempts | null = null,
  timeouts: ExchangeTimeouts | null = null,
): UpstreamExchange {
  // An Upgrade (WebSocket over HTTP/1.1) has no HTTP/2 form here: sent as a plain request.
  return pool instanceof H2Pool
    ? new H2Exchange(pool, sink, head, body, method)
    : new Exchange(pool, sink, head, body, method, upgrade, attempts, timeouts);
}
