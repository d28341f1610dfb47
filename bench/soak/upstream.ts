// The soak's upstream: a Node HTTP server that counts the connections tlsterm holds open to it, so
// "upstream connections held" is read where they end, not guessed from tlsterm's side. It never
// times anything out itself (requestTimeout 0, long keep-alive): whatever stays open is tlsterm's doing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CountingUpstream {
  readonly port: number;
  /** Connections open now. */
  open(): number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');
/** /big: large enough that a client which stops reading leaves tlsterm with data to send. */
const BIG_BYTES = 256 * 1024 * 1024;

function streamBig(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG_BYTES) });
  let sent = 0;
  const pump = (): void => {
    // Backpressure-driven: this side holds at most one chunk per stuck response.
    while (sent < BIG_BYTES && !res.destroyed) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

function handle(req: IncomingMessage, res: ServerResponse, counted: () => void): void {
  counted();
  if (req.url === '/big') {
    streamBig(res);
    return;
  }
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  req.on('error', () => {});
  req.on('end', () => {
    const body = req.method === 'POST' ? `received ${received}\n` : 'x'.repeat(1024);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
    res.end(body);
  });
}

// A websocket handshake answered without checking the key's digest: the soak's tunnel clients only
// need the tunnel to open and then go silent.
function upgrade(socket: Socket): void {
  socket.on('error', () => {});
  // tlsterm closing the tunnel is a FIN: answer it (the http server keeps sockets half-open).
  socket.on('end', () => socket.end());
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  socket.on('data', (d: Buffer) => socket.write(d));
}

export function startCountingUpstream(): Promise<CountingUpstream> {
  let open = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer(
    { requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 75_000 },
    (req, res) =>
      handle(req, res, () => {
        requests += 1;
      }),
  );
  server.on('connection', (socket: Socket) => {
    open += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    // Held by tlsterm until tlsterm sends its FIN ('end') or the socket closes, whichever is first: a
    // socket tlsterm has let go of but this side has not closed yet (CLOSE-WAIT) is not tlsterm's hold.
    let counted = true;
    const release = (): void => {
      if (!counted) return;
      counted = false;
      open -= 1;
    };
    socket.once('end', release);
    socket.once('close', () => {
      release();
      sockets.delete(socket);
    });
  });
  server.on('upgrade', (_req, socket: Socket) => upgrade(socket));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        open: () => open,
        requests: () => requests,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
