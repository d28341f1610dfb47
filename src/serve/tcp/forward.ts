// TLS-to-TCP (what stunnel and hitch do): the decrypted bytes of a TLS connection go to a plain
// TCP upstream, optionally behind a PROXY protocol header, both ways with backpressure and
// half-close. The handshake event is logged by the caller at close, as for HTTP sites.

import type net from 'node:net';
import type tls from 'node:tls';
import type { TcpUpstream } from '../../config/plan.ts';
import type { ConnectionState } from '../connection-state.ts';
import { relay } from './relay.ts';
import { connectTcpUpstream } from './upstream.ts';

export function forwardTcp(
  tlsSocket: tls.TLSSocket,
  raw: net.Socket,
  upstream: TcpUpstream,
  state: ConnectionState,
): void {
  const target = `tcp://${upstream.url.host}`;
  connectTcpUpstream(upstream, raw, tlsSocket, undefined, {
    onFail: (why) => {
      state.log({
        event: 'upstream_error',
        listener: state.listener.name,
        client: state.client,
        site: state.site?.plan.id ?? null,
        upstream: target,
        detail: `cannot connect to ${target}: ${why}`,
      });
      tlsSocket.destroy();
    },
    onConnect: (up) => relay(tlsSocket, up, () => {}, upstream.idleTimeoutMs),
  });
}
