// Where a server's listening socket comes from. Each worker process listens itself (cluster shares
// the primary's socket). In one process (single_process), a reload starts the new generation's
// servers while the old ones still hold the port: a second bind would fail, and SO_REUSEPORT would
// lose the connections still queued on the old socket when it closes. So the process keeps one
// listening socket per address, outside the generations (Caddy's listener pool), and hands each
// accepted connection to the newest server attached to it; the socket closes when the last server
// that uses it lets go.

import type net from 'node:net';
import { createServer } from 'node:net';

/** A server's hold on its address: what it listens on, and letting go of it. */
export interface Bound {
  address(): net.AddressInfo;
  /** Stop accepting (the server's open connections are the caller's). */
  close(): Promise<void>;
}

/** How the address is bound. */
export interface ListenOptions {
  /**
   * `reuse_port`: this process binds its own socket with SO_REUSEPORT (a cluster worker then asks
   * the primary for nothing), and the kernel spreads connections across the workers' sockets. The
   * pool ignores it: one process has one socket per address.
   */
  readonly reusePort?: boolean;
}

/** Makes `server` receive the connections of host:port. */
export type Listen = (
  server: net.Server,
  host: string,
  port: number,
  options?: ListenOptions,
) => Promise<Bound>;

const closeServer = (server: net.Server): Promise<void> =>
  // A pooled server never listened: close() still runs http.Server's own cleanup (idle connections,
  // the timeout checks) and then reports ERR_SERVER_NOT_RUNNING, which is no news here.
  new Promise((resolve) => server.close(() => resolve()));

const bind = (server: net.Server, host: string, port: number, reusePort = false): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ...(reusePort ? { reusePort } : {}) }, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** The server listens on its own socket (a worker process). */
export const listenDirect: Listen = async (server, host, port, options) => {
  await bind(server, host, port, options?.reusePort);
  return { address: () => server.address() as net.AddressInfo, close: () => closeServer(server) };
};

export interface ListenerPool {
  /**
   * A generation's way to listen. Its n-th server on an address gets the socket the previous
   * generations' n-th server on it has (as cluster pairs its workers' listen() calls): two listeners
   * asking for port 0 get two sockets, and keep them across reloads.
   */
  generation(): Listen;
  /** Addresses bound now (for tests). */
  size(): number;
}

interface Entry {
  readonly socket: net.Server;
  /** Servers attached, oldest first: the last one gets the new connections. */
  readonly servers: net.Server[];
}

export function createListenerPool(): ListenerPool {
  // Promises: a second server asking for an address while it is being bound waits for that bind.
  const entries = new Map<string, Promise<Entry>>();
  const open = async (host: string, port: number): Promise<Entry> => {
    const socket = createServer({ noDelay: true });
    const entry: Entry = { socket, servers: [] };
    socket.on('connection', (raw) => {
      const server = entry.servers.at(-1);
      if (server === undefined) raw.destroy();
      else server.emit('connection', raw);
    });
    await bind(socket, host, port);
    return entry;
  };
  return {
    size: () => entries.size,
    generation: () => {
      const seen = new Map<string, number>();
      return (server, host, port) => {
        const address = `${host}\u0000${port}`;
        const nth = seen.get(address) ?? 0;
        seen.set(address, nth + 1);
        return attach(`${address}\u0000${nth}`, server, host, port);
      };
    },
  };

  async function attach(key: string, server: net.Server, host: string, port: number): Promise<Bound> {
    let pending = entries.get(key);
    if (pending === undefined) {
      pending = open(host, port);
      entries.set(key, pending);
      pending.catch(() => entries.delete(key));
    }
    const entry = await pending;
    entry.servers.push(server);
    // http.Server starts its request/headers timeout checks on 'listening'.
    server.emit('listening');
    let attached = true;
    return {
      address: () => entry.socket.address() as net.AddressInfo,
      async close() {
        if (!attached) return;
        attached = false;
        entry.servers.splice(entry.servers.indexOf(server), 1);
        const last = entry.servers.length === 0;
        if (last) entries.delete(key);
        // The socket's close waits for every connection it accepted (as a worker's would).
        await Promise.all([closeServer(server), ...(last ? [closeServer(entry.socket)] : [])]);
      },
    };
  }
}
