// Node's floor: a bare `tls.createServer` with the bench's certificate and TLS settings and no
// tlsterm code, so the tables show how much of tlsterm's cost is Node's own. Three modes:
//   answer  answers every request itself (the 1 KiB body from memory, other paths streamed from the
//           backend's document root): the least any Node TLS server can spend per connection
//   pipe    a TLS-to-TCP pipe to the backend, connected on the first bytes from the client: the
//           least a Node relay spends (one backend connection per client connection, no pooling)
//   proxy   each request over a pooled keep-alive backend socket (lib/http1-proxy-floor.ts): the
//           least a Node HTTP proxy spends, as tlsterm proxies
// and `peek`: a net.Server reads the first TLS record (the ClientHello) in JS, puts it back and
// hands the socket to the TLS server, as tlsterm's accept path does (without parsing the hello):
// what reading the ClientHello first costs in Node by itself.
// Run: node bench/floor-server.ts '{"mode":"answer","port":…,"cert":…,"key":…,"root":…,"backendPort":…}'
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { connect, createServer as createNetServer } from 'node:net';
import { join, normalize } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';
import { backendPool } from './lib/backend-pool.ts';
import { proxyClient } from './lib/http1-proxy-floor.ts';
import { peekFirstRecord } from './lib/peek.ts';
import { nodeServerTls } from './lib/tls-settings.ts';

export interface FloorOptions {
  readonly mode: 'answer' | 'pipe' | 'proxy';
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  /** answer: where the files are. */
  readonly root: string;
  /** pipe, proxy: the plain-HTTP backend. */
  readonly backendPort: number;
  /** Read the first TLS record in JS before the TLS server gets the socket. */
  readonly peek?: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as FloorOptions;

// As tlsterm's `secureContextOptions` and nginx's `ssl_*` lines in this bench: the same versions,
// suites in server order, groups, certificate chain.
const server = createServer({
  ...nodeServerTls(options.cert, options.key),
  ALPNProtocols: ['http/1.1'],
  // As the others: no Nagle delay between a response's head and its body.
  noDelay: true,
  // Node's default hashes argv; fixed so a session id resumes (as tlsterm and nginx do).
  sessionIdContext: 'bench-floor',
});

const HEAD_END = Buffer.from('\r\n\r\n');
const small = options.mode === 'answer' ? readFileSync(join(options.root, '1k')) : Buffer.alloc(0);
const smallResponse = (connection: string): Buffer =>
  Buffer.concat([
    Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${small.length}\r\nConnection: ${connection}\r\n\r\n`),
    small,
  ]);
const smallKeepAlive = smallResponse('keep-alive');
const smallClose = smallResponse('close');

function answer(socket: TLSSocket): void {
  let pending: Buffer = Buffer.alloc(0);
  let streaming = false;
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    // One request at a time; the bench's clients do not pipeline.
    while (!streaming) {
      const end = pending.indexOf(HEAD_END);
      if (end < 0) return;
      const head = pending.subarray(0, end).toString('latin1');
      pending = pending.subarray(end + 4);
      const path = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
      const close = /\r\nconnection:\s*close/i.test(head);
      const connection = close ? 'close' : 'keep-alive';
      if (path === '/1k') {
        // One write (one TLS record) for head and body, as a proxy relaying a small response does.
        const response = close ? smallClose : smallKeepAlive;
        if (close) socket.end(response);
        else socket.write(response);
        continue;
      }
      const file = join(options.root, normalize(`/${path}`));
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nConnection: ${connection}\r\n\r\n`);
      streaming = true;
      const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
      stream.pipe(socket, { end: close });
      stream.once('end', () => {
        streaming = false;
      });
      return;
    }
  });
}

function pipe(socket: TLSSocket): void {
  // Connected on the first bytes, so an idle TLS connection holds no backend socket.
  socket.once('data', (first: Buffer) => {
    socket.pause();
    const upstream = connect({ host: '127.0.0.1', port: options.backendPort, noDelay: true });
    upstream.write(first);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.once('connect', () => {
      socket.pipe(upstream);
      upstream.pipe(socket);
      socket.resume();
    });
  });
}

const pool = backendPool(options.backendPort);

server.on('secureConnection', (socket: TLSSocket) => {
  socket.on('error', () => {});
  if (options.mode === 'pipe') pipe(socket);
  else if (options.mode === 'proxy') proxyClient(socket, pool);
  else answer(socket);
});
server.on('tlsClientError', () => {});
// TLS 1.2 resumption by session id: Node keeps no server-side cache unless the application does.
const sessions = new Map<string, Buffer>();
server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
  if (sessions.size >= 20_000) sessions.delete(sessions.keys().next().value as string);
  sessions.set(id.toString('hex'), data);
  done();
});
server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
  done(null, sessions.get(id.toString('hex')) ?? null);
});
if (options.peek === true) {
  createNetServer({ noDelay: true }, (socket) =>
    peekFirstRecord(socket, (peeked) => server.emit('connection', peeked)),
  ).listen({
    host: '127.0.0.1',
    port: options.port,
    backlog: 4096,
  });
} else server.listen({ host: '127.0.0.1', port: options.port, backlog: 4096 });
// A normal exit on SIGTERM, so --cpu-prof and --heap-prof write their files.
process.once('SIGTERM', () => process.exit(0));
