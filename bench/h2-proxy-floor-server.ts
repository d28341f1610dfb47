// Node's floor for an HTTP/2 *proxy* (`node-h2-proxy`): a bare `node:http2` createSecureServer that
// forwards each stream as one HTTP/1.1 request over a pool of keep-alive sockets to the bench's
// backend, and streams the answer back. The least a Node h2 → HTTP/1.1 proxy must do per stream
// (what node-h2, answering itself, leaves out): a pooled socket, a request head written, a response
// head parsed, the body relayed. Nothing else: no logging, no header policy beyond dropping
// hop-by-hop fields, no timeouts, requests without a body (h2load's GETs) and responses framed by
// Content-Length (the backend's static files are). Not a proxy to run: the floor under tlsterm's h2 front, which does all of those.
// Run: node bench/h2-proxy-floor-server.ts '{"port":…,"cert":…,"key":…,"backendPort":…}'
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type net from 'node:net';
import { backendPool } from './lib/backend-pool.ts';
import { type H2FloorListen, startH2Floor } from './lib/h2-floor.ts';

export interface H2ProxyFloorOptions extends H2FloorListen {
  /** The plain-HTTP/1.1 backend. */
  readonly backendPort: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as H2ProxyFloorOptions;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);
const pool = backendPool(options.backendPort);

/** The request head: the method, path and host from the pseudo-headers, the other fields as sent. */
const requestHead = (headers: IncomingHttpHeaders): string => {
  let head = `${headers[':method']} ${headers[':path']} HTTP/1.1\r\nhost: ${headers[':authority']}\r\n`;
  for (const name in headers) {
    if (name.charCodeAt(0) === 0x3a) continue;
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) head += `${name}: ${v}\r\n`;
    else if (value !== undefined) head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
};

/** Relays one response from `socket` to `stream`; the socket goes back to the pool once its body is read. */
const relay = (socket: net.Socket, stream: ServerHttp2Stream): void => {
  let head: Buffer | null = Buffer.alloc(0);
  let left = 0;
  const done = (reusable: boolean) => {
    socket.off('data', onData);
    socket.off('close', onClose);
    pool.release(socket, reusable);
  };
  const onClose = () => {
    done(false);
    if (!stream.destroyed) stream.close();
  };
  const onData = (chunk: Buffer) => {
    if (head !== null) {
      const all: Buffer = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        head = all;
        return;
      }
      const lines = all.toString('latin1', 0, end).split('\r\n');
      const out: Record<string, string | number> = { ':status': Number(lines[0]?.slice(9, 12)) };
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i] ?? '';
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).toLowerCase();
        if (HOP_BY_HOP.has(name)) continue;
        out[name] = line.slice(colon + 1).trim();
      }
      left = Number(out['content-length'] ?? 0);
      head = null;
      // A client gone (h2load stopping with streams in flight) still has its answer read off the
      // socket, so the socket can be reused; only the writes to the stream are skipped.
      if (!stream.destroyed) stream.respond(out, { endStream: left === 0 });
      chunk = all.subarray(end + 4);
      if (left === 0) return done(true);
    }
    left -= chunk.length;
    if (left <= 0) done(left === 0);
    if (stream.destroyed || stream.writableEnded) return;
    if (left <= 0) stream.end(chunk);
    else stream.write(chunk);
  };
  socket.on('data', onData);
  socket.on('close', onClose);
};

startH2Floor(options, (stream, headers) => {
  const socket = pool.acquire();
  relay(socket, stream);
  socket.write(requestHead(headers));
});
