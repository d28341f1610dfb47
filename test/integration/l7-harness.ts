// Shared by the l7-* tests: Node backends that name themselves and record what they got, and curl
// against a `tlsterm serve` front for example.test.

import http from 'node:http';
import type net from 'node:net';
import { curl } from './http-harness.ts';

export interface Seen {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly host: string | undefined;
}

export interface NamedBackend {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly seen: Seen[];
  /** Delay before answering (ms), per request path prefix '' = all. */
  delayMs: number;
  /** Status of /healthz. */
  health: number;
  close(): Promise<void>;
  /** Listen again on the same port after close(). */
  restart(): Promise<void>;
}

export const startNamed = async (name: string, port = 0): Promise<NamedBackend> => {
  const sockets = new Set<net.Socket>();
  const b = {
    name,
    port,
    url: '',
    seen: [] as Seen[],
    delayMs: 0,
    health: 200,
    server: null as http.Server | null,
    async close() {
      const s = this.server;
      if (s === null) return;
      this.server = null;
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => s.close(() => r()));
    },
    async restart() {
      await listen();
    },
  };
  const listen = async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/healthz') {
        res.statusCode = b.health;
        res.end('ok\n');
        return;
      }
      b.seen.push({ name, method: req.method ?? '', url: req.url ?? '', host: req.headers.host });
      req.resume();
      const answer = () => {
        if (res.destroyed) return;
        res.setHeader('x-backend', name);
        res.end(`${name} ${req.method} ${req.url} host=${req.headers.host}\n`);
      };
      if (b.delayMs > 0) setTimeout(answer, b.delayMs);
      else req.on('end', answer);
    });
    server.keepAliveTimeout = 10_000;
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(b.port, '127.0.0.1', r));
    b.port = (server.address() as net.AddressInfo).port;
    b.url = `http://127.0.0.1:${b.port}`;
    b.server = server;
  };
  await listen();
  return b;
};

/** curl over HTTP/1.1 to https://example.test:PORT (resolved to loopback), -k; extra args first. */
export const curlFront = (port: number, paths: readonly string[], args: readonly string[] = []) =>
  curl([
    '--resolve',
    `example.test:${port}:127.0.0.1`,
    '--resolve',
    `api.example.test:${port}:127.0.0.1`,
    '--http1.1',
    ...args,
    ...paths.map((p) => (p.startsWith('https://') ? p : `https://example.test:${port}${p}`)),
  ]);

export const certLine = (fullchain: string, key: string): string =>
  `certificates: [{ cert: ${fullchain}, key: ${key} }]`;
