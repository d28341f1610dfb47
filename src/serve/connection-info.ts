// What the HTTP layer is told of the TLS connection it serves (http/types.ts ConnectionInfo), as a
// class: one shape for every connection, the local address asked for only when used. An object
// literal with getters and optional members spread in took V8's slow paths per connection.

import type net from 'node:net';
import type { ConnectionInfo, OwnHandshake } from '../http/index.ts';
import { clientOf } from './client-peer.ts';
import type { ConnectionState } from './connection-state.ts';
import type { HandshakeFacts } from './handshake/index.ts';

export class TlsConnectionInfo implements ConnectionInfo {
  readonly #raw: net.Socket;
  readonly clientAddress: string;
  readonly clientPort: number;
  readonly client: string;
  readonly connId: string;
  readonly tlsMs: number;
  readonly serverName: string | undefined;
  readonly alpn: string | false;
  readonly tls: Readonly<Record<string, unknown>>;
  readonly clientCertSubject: string | undefined;
  readonly clientCertLines: string | undefined;
  readonly ownHandshake: OwnHandshake | undefined;

  constructor(
    raw: net.Socket,
    state: ConnectionState,
    tlsMs: number,
    serverName: string | undefined,
    alpn: string | false,
    facts: HandshakeFacts,
    clientCertSubject: string | undefined,
    clientCertLines: string | undefined,
    ownHandshake: OwnHandshake | undefined,
  ) {
    const peer = clientOf(raw);
    this.#raw = raw;
    this.clientAddress = peer.address;
    this.clientPort = peer.port;
    this.client = state.client;
    this.connId = state.connId;
    this.tlsMs = tlsMs;
    this.serverName = serverName;
    this.alpn = alpn;
    this.tls = facts as unknown as Readonly<Record<string, unknown>>;
    this.clientCertSubject = clientCertSubject;
    this.clientCertLines = clientCertLines;
    this.ownHandshake = ownHandshake;
  }

  // Each is a getsockname() call, and the HTTP path does not need them.
  get localAddress(): string {
    return this.#raw.localAddress ?? '';
  }
  get localPort(): number {
    return this.#raw.localPort ?? 0;
  }
}
