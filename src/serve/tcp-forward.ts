// TLS-to-TCP (what stunnel and hitch do): the decrypted bytes of a TLS connection go to a plain
// TCP upstream, optionally behind a PROXY protocol header, both ways with backpressure and
// half-close. The handshake event is logged by the caller at close, as for HTTP sites.

import net from 'node:net';
import type tls from 'node:tls';
import type { TcpUpstream } from '../config/plan.ts';
import type { ConnectionState } from './connection-state.ts';
import { proxyHeader } from './proxy-protocol.ts';
import { relay } from './tcp-relay.ts';

export function forwardTcp(
  tlsSocket: tls.TLSSocket,
  raw: net.Socket,
  upstream: TcpUpstream,
  state: ConnectionState,
): void {
  const target = `tcp://${upstream.url.host}`;
  const up = net.connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true });
  up.setTimeout(upstream.connectTimeoutMs);
  let connected = false;
  const failConnect = (why: string): void => {
    if (connected) return;
    up.destroy();
    state.log({
      event: 'upstream_error',
      listener: state.listener.name,
      client: state.client,
      site: state.site?.plan.id ?? null,
      upstream: target,
      detail: `cannot connect to ${target}: ${why}`,
    });
    tlsSocket.destroy();
  };
  up.once('timeout', () => failConnect(`no connection within ${upstream.connectTimeoutMs} ms`));
  up.once('error', (err: NodeJS.ErrnoException) => failConnect(err.code ?? err.message));
  tlsSocket.once('close', () => {
    if (!connected) up.destroy();
  });
  up.once('connect', () => {
    if (tlsSocket.destroyed) {
      up.destroy();
      return;
    }
    connected = true;
    up.setTimeout(0);
    up.removeAllListeners('error');
    if (upstream.proxyProtocol !== undefined) {
      up.write(
        proxyHeader(upstream.proxyProtocol, {
          sourceAddress: raw.remoteAddress ?? '',
          sourcePort: raw.remotePort ?? 0,
          destinationAddress: raw.localAddress ?? '',
          destinationPort: raw.localPort ?? 0,
        }),
      );
    }
    relay(tlsSocket, up, () => {}, upstream.idleTimeoutMs);
  });
}
