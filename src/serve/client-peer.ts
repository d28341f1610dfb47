// Who is at the other end of an accepted socket: the socket's own peer, or — behind an L4 balancer
// speaking the PROXY protocol — the client the header named. One place to ask, so logs, the HTTP
// layer (X-Forwarded-For, Forwarded), per-client limits and PROXY out all see the real client.

import type net from 'node:net';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

interface Proxied {
  readonly client?: Endpoint;
  readonly local?: Endpoint;
  /** When the socket was accepted: the handshake timeout covers the header too. */
  readonly acceptedAt: bigint;
}

const proxied = new WeakMap<net.Socket, Proxied>();

/** Record what the PROXY header said (LOCAL: no endpoints, the socket's own stand). */
export function setProxied(raw: net.Socket, facts: Proxied): void {
  proxied.set(raw, facts);
}

export const clientOf = (raw: net.Socket): Endpoint =>
  proxied.get(raw)?.client ?? { address: raw.remoteAddress ?? '', port: raw.remotePort ?? 0 };

export const localOf = (raw: net.Socket): Endpoint =>
  proxied.get(raw)?.local ?? { address: raw.localAddress ?? '', port: raw.localPort ?? 0 };

export const acceptedAtOf = (raw: net.Socket): bigint | undefined => proxied.get(raw)?.acceptedAt;
