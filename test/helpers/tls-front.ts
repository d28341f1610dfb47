// A miniature of serve's accept path for resumption tests: a net.Server that reads each
// connection's ClientHello with the wire sniffer, records it, and hands the socket (bytes put
// back) to whichever tls.Server `pick` chooses. Plus a client that connects once, optionally
// offering a saved session, and reports whether it resumed.
//
//   const front = await startTlsFront((hello) => servers.serverFor(hello));
//   const first = await tlsVisit(front.port, { ca, version: 'TLSv1.3' });
//   const again = await tlsVisit(front.port, { ca, version: 'TLSv1.3', session: first.session });
//   assert.equal(again.reused, true);

import net from 'node:net';
import tls from 'node:tls';
import { type ClientHello, sniffClientHello } from '../../src/wire/index.ts';

export interface TlsFront {
  readonly port: number;
  /** Every ClientHello seen, in order. */
  readonly hellos: ClientHello[];
  close(): Promise<void>;
}

export async function startTlsFront(pick: (hello: ClientHello) => tls.Server): Promise<TlsFront> {
  const hellos: ClientHello[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const verdict = sniffClientHello(buffered, 16_384);
      if (verdict.kind === 'need-more') return;
      raw.off('data', onData);
      if (verdict.kind !== 'client-hello') {
        raw.destroy();
        return;
      }
      hellos.push(verdict.hello);
      raw.pause();
      raw.unshift(buffered);
      pick(verdict.hello).emit('connection', raw);
    };
    raw.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hellos,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Visit {
  readonly reused: boolean;
  readonly version: string | null;
  /** The last session the server gave (a ticket in TLS 1.3; id or ticket in TLS 1.2). */
  readonly session: Buffer | undefined;
  /** What the server wrote (servers in these tests answer with their own name). */
  readonly answer: string;
}

/** One connection: handshake, read until the server ends, close. Rejects on a TLS error. */
export function tlsVisit(
  port: number,
  options: { ca: string; version: tls.SecureVersion; session?: Buffer | undefined; servername?: string },
): Promise<Visit> {
  return new Promise((resolve, reject) => {
    let session: Buffer | undefined;
    let answer = '';
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: options.ca,
      servername: options.servername ?? 'example.test',
      minVersion: options.version,
      maxVersion: options.version,
      ...(options.session !== undefined ? { session: options.session } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('TLS visit timed out'));
    }, 20_000);
    socket.on('session', (s: Buffer) => {
      session = s;
    });
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      // Tickets (TLS 1.3) may arrive after the handshake: they are in by the server's end.
      resolve({ reused: socket.isSessionReused(), version: socket.getProtocol(), session, answer });
      socket.end();
    });
  });
}

/** A tls.Server that answers every connection with `name` and ends it. */
export function namedServer(name: string, options: tls.TlsOptions): tls.Server {
  const server = tls.createServer(options);
  server.on('secureConnection', (socket) => socket.end(name));
  server.on('tlsClientError', () => {});
  return server;
}
