// Small client building blocks shared by the soak's adversaries. Every one is bounded in time; none
// throws: failures come back as values. Clients spread over 127.0.0.0/8 source addresses (Linux
// routes all of it to lo) so a per-client connection limit sees several clients, as it would online.
import net from 'node:net';
import tls from 'node:tls';

export const SERVERNAME = 'soak.test';

/** A loopback source address for client number `n` of adversary `group` (1–250 each). */
export function sourceAddress(group: number, n = 0): string {
  return `127.0.${group}.${1 + (n % 250)}`;
}

export interface Target {
  readonly port: number;
}

export interface TlsOpen {
  readonly localAddress: string;
  readonly alpn?: readonly string[];
  readonly timeoutMs?: number;
}

/** A finished TLS handshake, or why not (timed out after `timeoutMs`, 5 s by default). */
export function openTls(target: Target, o: TlsOpen): Promise<tls.TLSSocket | Error> {
  return new Promise((resolve) => {
    // tls.connect's types do not take localAddress: the TCP socket is made here with it.
    const raw = net.connect({ host: '127.0.0.1', port: target.port, localAddress: o.localAddress });
    const socket = tls.connect({
      socket: raw,
      servername: SERVERNAME,
      rejectUnauthorized: false,
      ecdhCurve: 'X25519',
      ALPNProtocols: [...(o.alpn ?? ['http/1.1'])],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(new Error('handshake timed out'));
    }, o.timeoutMs ?? 5000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => {}); // later errors are the server ending a held connection: counted elsewhere
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      resolve(err);
    });
  });
}

/** A plain TCP connection (for the junk and half-hello adversaries). */
export function openTcp(target: Target, localAddress: string, timeoutMs = 5000): Promise<net.Socket | Error> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: target.port, localAddress });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(new Error('connect timed out'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

/** Resolves with the first `limit` bytes received (latin1) once they arrived, the peer closed, or `ms` passed. */
export function readSome(socket: net.Socket, limit: number, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', done);
      resolve(got);
    };
    const onData = (d: Buffer): void => {
      got += d.toString('latin1');
      if (got.length >= limit) done();
    };
    const timer = setTimeout(done, ms);
    socket.on('data', onData);
    socket.once('close', done);
  });
}

/** How a GET went: a whole 200, no whole answer in time, the connection closed first, another status. */
export type GetOutcome = 'ok' | 'timeout' | 'closed' | 'status';

/** A GET on a kept-alive connection, answered within `ms` or not. */
export function getOnce(socket: tls.TLSSocket, path: string, ms: number): Promise<GetOutcome> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (outcome: GetOutcome): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? Number.NaN);
      if (buf.length >= end + 4 + length) done(buf.startsWith('HTTP/1.1 200') ? 'ok' : 'status');
    };
    const onClose = (): void => done('closed');
    const timer = setTimeout(() => done('timeout'), ms);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${SERVERNAME}\r\n\r\n`);
  });
}

/** Runs `task` for items 0..count-1, `concurrency` at a time, stopping early at `deadline` (performance.now()). */
export async function pool(
  count: number,
  concurrency: number,
  deadline: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
