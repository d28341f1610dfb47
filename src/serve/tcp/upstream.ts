// Opening a connection to a tcp:// upstream on behalf of a client: bounded connect, the PROXY
// protocol header (and any bytes already read from the client) as the first write, and the
// client's own close cancelling it. Shared by passthrough and TLS-to-TCP.

import { Buffer } from 'node:buffer';
import net from 'node:net';
import type { TcpUpstream } from '../../config/plan.ts';
import { clientOf, localOf } from '../client-peer.ts';
import { proxyHeader } from './proxy-protocol.ts';

export interface TcpUpstreamHandlers {
  /** Connected; the first bytes are written. Attach the relay here. */
  onConnect(up: net.Socket): void;
  /** Could not connect (refused, timed out, …); `up` is already destroyed. */
  onFail(why: string): void;
}

/**
 * `client` is the connection whose addresses go into the PROXY header (the raw TCP socket);
 * `clientSide` is what the caller relays (the same socket, or the TLSSocket on top of it).
 */
export function connectTcpUpstream(
  upstream: TcpUpstream,
  client: net.Socket,
  clientSide: net.Socket,
  first: Buffer | undefined,
  handlers: TcpUpstreamHandlers,
): void {
  const up = net.connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true });
  up.setTimeout(upstream.connectTimeoutMs);
  let settled = false;
  const fail = (why: string): void => {
    if (settled) return;
    settled = true;
    up.destroy();
    handlers.onFail(why);
  };
  up.once('timeout', () => fail(`no connection within ${upstream.connectTimeoutMs} ms`));
  up.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  clientSide.once('close', () => {
    if (!settled) {
      settled = true;
      up.destroy();
    }
  });
  up.once('connect', () => {
    if (settled) return;
    settled = true;
    if (clientSide.destroyed) {
      up.destroy();
      return;
    }
    up.setTimeout(0);
    up.removeAllListeners('error');
    up.removeAllListeners('timeout');
    // The real client (and address it reached) when a PROXY balancer is in front of us too.
    const source = upstream.proxyProtocol === undefined ? undefined : clientOf(client);
    const destination = upstream.proxyProtocol === undefined ? undefined : localOf(client);
    const header =
      upstream.proxyProtocol === undefined || source === undefined || destination === undefined
        ? undefined
        : proxyHeader(upstream.proxyProtocol, {
            sourceAddress: source.address,
            sourcePort: source.port,
            destinationAddress: destination.address,
            destinationPort: destination.port,
          });
    // One write: header and first bytes leave in one segment where they fit.
    const parts = [header, first].filter((b): b is Buffer => b !== undefined);
    if (parts.length > 0) up.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    handlers.onConnect(up);
  });
}
