// The state of one accepted connection, and the one place a failed handshake is logged.

import type net from 'node:net';
import process from 'node:process';
import type { ListenerPlan } from '../config/plan.ts';
import type { Logger } from '../observe/index.ts';
import type { ClientHello } from '../wire/index.ts';
import type { ConnectionTracker } from './connection-tracker.ts';
import type { Failure } from './handshake/index.ts';
import { helloJa4, helloOfferMembers } from './handshake/index.ts';
import type { HostRouting } from './host-routing.ts';
import { countFailure } from './metrics.ts';
import type { ListenerResumption } from './resumption/index.ts';
import type { SiteRuntime } from './site-runtime.ts';

/** Per-connection state, reachable from the TLSSocket when OpenSSL reports an error. */
export interface ConnectionState {
  readonly listener: ListenerPlan;
  readonly log: Logger;
  readonly resumption: ListenerResumption;
  readonly tracker: ConnectionTracker;
  /** The listener's sites by name, for SNI and then per request by Host. */
  readonly routing: HostRouting<SiteRuntime>;
  /** "ip:port", IPv6 in brackets: the one spelling of every line. */
  readonly client: string;
  /** Joins the handshake line and the connection's access lines. */
  readonly connId: string;
  readonly acceptedAt: bigint;
  hello: ClientHello | undefined;
  site: SiteRuntime | undefined;
  done: boolean;
}

export const STATE = Symbol('tlsterm.connection');

export function elapsedMs(since: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - since) / 1e4) / 100;
}

export function logFailure(state: ConnectionState, failure: Failure, raw: net.Socket): void {
  if (state.done) return;
  state.done = true;
  const hello = state.hello;
  countFailure(state.listener, state.site, failure, raw.bytesRead, raw.bytesWritten);
  state.log(
    {
      event: 'handshake_failed',
      listener: state.listener.name,
      client: state.client,
      conn_id: state.connId,
      sni: hello?.serverName ?? null,
      site: state.site?.plan.id ?? null,
      reason: failure.reason,
      detail: failure.detail,
      handshake_ms: elapsedMs(state.acceptedAt),
      bytes_in: raw.bytesRead,
      bytes_out: raw.bytesWritten,
      ja4: helloJa4(hello),
    },
    helloOfferMembers(hello),
  );
}
