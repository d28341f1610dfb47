// Node's floor for an HTTP/1.1 TLS-terminating proxy (`node-proxy`): each request head the client
// sends goes as it is to a pooled keep-alive backend socket, and the backend's response comes back
// as it is, framed by its Content-Length. The least a Node proxy must do per request that tlsterm
// also does (a pooled socket, the head found and written, the response head read for its length,
// the body relayed with back-pressure), and nothing else: no header policy beyond keeping the
// backend connection open, no logging, no timeouts, no request bodies (the bench sends GETs), no
// chunked responses (the backend's files have a length). The floor under tlsterm's proxying.
import type { Socket } from 'node:net';
import type { BackendPool } from './backend-pool.ts';

const HEAD_END = Buffer.from('\r\n\r\n');
const CONNECTION_CLOSE = /\r\nconnection:[ \t]*close\r\n/i;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)\r\n/i;

/** Serves one client connection: its requests one at a time, each over a pooled backend socket. */
export function proxyClient(client: Socket, pool: BackendPool): void {
  let pending: Buffer = Buffer.alloc(0);
  let inFlight = false;
  const next = (): void => {
    if (inFlight) return;
    const end = pending.indexOf(HEAD_END);
    if (end < 0) return;
    let head = pending.toString('latin1', 0, end + 4);
    pending = pending.subarray(end + 4);
    const close = CONNECTION_CLOSE.test(head);
    // The client's close is its own: the backend connection stays open for the next client.
    if (close) head = head.replace(CONNECTION_CLOSE, '\r\n');
    inFlight = true;
    forward(client, pool, head, (ok) => {
      inFlight = false;
      if (!ok) client.destroy();
      else if (close) client.end();
      else next();
    });
  };
  client.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    next();
  });
  client.on('error', () => {});
}

/** One exchange: `head` to a backend socket, its response to the client; `done(false)` if it broke. */
function forward(client: Socket, pool: BackendPool, head: string, done: (ok: boolean) => void): void {
  const backend = pool.acquire();
  let response: Buffer | null = Buffer.alloc(0);
  let left = 0;
  const finish = (ok: boolean): void => {
    backend.off('data', onData);
    backend.off('close', onBackendClose);
    client.off('drain', onDrain);
    client.off('close', onClientClose);
    backend.resume();
    pool.release(backend, ok && left === 0);
    done(ok);
  };
  const onBackendClose = (): void => finish(false);
  const onClientClose = (): void => finish(false);
  const onDrain = (): void => {
    backend.resume();
  };
  const send = (chunk: Buffer): void => {
    if (!client.write(chunk)) backend.pause();
  };
  const onData = (chunk: Buffer): void => {
    if (response !== null) {
      const all: Buffer = response.length === 0 ? chunk : Buffer.concat([response, chunk]);
      const end = all.indexOf(HEAD_END);
      if (end < 0) {
        response = all;
        return;
      }
      left = Number(CONTENT_LENGTH.exec(all.toString('latin1', 0, end + 2))?.[1] ?? 0);
      response = null;
      left -= all.length - (end + 4);
      send(all);
    } else {
      left -= chunk.length;
      send(chunk);
    }
    if (left <= 0) finish(true);
  };
  backend.on('data', onData);
  backend.on('close', onBackendClose);
  client.on('drain', onDrain);
  client.on('close', onClientClose);
  backend.write(head);
}
