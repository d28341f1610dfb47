// `tlsterm trace HOST:PORT`: Node's TLS client does the real handshake over a tapped stream, so we
// see every byte both ways (a JS Duplex between the TLS socket and the TCP socket: Node reads a
// plain net.Socket's handle directly, bypassing 'data' listeners), and the 'keylog' event hands us
// the secrets. The pure tracer then explains what was seen.
import type { Buffer } from 'node:buffer';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { Errors, TlstermError } from '../errors.ts';
import { parseKeyLog } from '../wire/keylog.ts';
import { traceSession } from './session.ts';
import type { Chunk, TraceSession } from './types.ts';

export interface TraceConnectOptions {
  readonly host: string;
  readonly port: number;
  /** SNI to send; default: the host when it is a name, none for an IP address. false: never. */
  readonly servername?: string | false;
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
  /** OpenSSL cipher list; TLS 1.3 suite names (TLS_…) may be mixed in, as Node allows. */
  readonly ciphers?: string;
  /** Sent once the handshake is done; 'GET /' becomes a whole HTTP/1.1 request. */
  readonly request?: string;
  readonly alpn?: readonly string[];
  readonly ca?: string | Buffer;
  /** Refuse an unverified certificate (default false: a trace shows the verdict instead). */
  readonly verify?: boolean;
  /** Overall limit; default 10 s. */
  readonly timeoutMs?: number;
  /** How long to wait for more bytes once the exchange looks done; default 400 ms (2 s after a request). */
  readonly idleMs?: number;
  /** A TLS session from an earlier capture's `tlsSession`, to resume it. */
  readonly session?: Buffer;
}

export interface LiveCapture {
  readonly chunks: readonly Chunk[];
  /** The key log lines Node emitted, as a key log file would hold them. */
  readonly keyLogText: string;
  readonly client: string;
  readonly server: string;
  /** Certificate verification as Node saw it. */
  readonly authorized: boolean;
  readonly authorizationError: string | null;
  /** A TLS failure (alert, timeout) if the handshake did not complete. */
  readonly tlsError: string | null;
  /** The session the server offered for resumption (the last one), if any. */
  readonly tlsSession: Buffer | null;
}

const now = (): number => (performance.timeOrigin + performance.now()) / 1000;

/** 'GET /' → a whole HTTP/1.1 request with Host and Connection: close; anything else is sent as written, with \r\n escapes. */
export function buildRequest(request: string, host: string): string {
  const short = /^([A-Z]+) (\S+)$/.exec(request.trim());
  if (short)
    return `${short[1]} ${short[2]} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: tlsterm-trace\r\nConnection: close\r\n\r\n`;
  return request.replaceAll('\\r', '\r').replaceAll('\\n', '\n');
}

/** Connects, handshakes, optionally sends a request, and returns every byte seen plus the key log. */
export async function captureConnection(options: TraceConnectOptions): Promise<LiveCapture> {
  const { host, port } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const raw = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new TlstermError(Errors.traceConnect(`${host}:${port}`, `no TCP connection within ${timeoutMs} ms`)),
      );
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (error) => {
      clearTimeout(timer);
      reject(new TlstermError(Errors.traceConnect(`${host}:${port}`, error.message), { cause: error }));
    });
  });
  const client = `${raw.localAddress}:${raw.localPort}`;
  const server = `${raw.remoteAddress}:${raw.remotePort}`;
  const chunks: Chunk[] = [];
  let lastData = Date.now();
  const tap = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      chunks.push({ dir: 'client', data: new Uint8Array(chunk), time: now() });
      raw.write(chunk, callback);
    },
    final(callback) {
      raw.end();
      callback();
    },
    destroy(error, callback) {
      raw.destroy();
      callback(error);
    },
  });
  raw.on('data', (data: Buffer) => {
    lastData = Date.now();
    chunks.push({ dir: 'server', data: new Uint8Array(data), time: now() });
    tap.push(data);
  });
  raw.on('end', () => tap.push(null));
  raw.on('error', () => tap.destroy());

  const isIp = net.isIP(host) !== 0;
  const servername =
    options.servername === false ? undefined : (options.servername ?? (isIp ? undefined : host));
  const keyLog: string[] = [];
  const socket = tls.connect({
    socket: tap,
    ...(servername !== undefined ? { servername } : {}),
    ...(options.minVersion ? { minVersion: options.minVersion } : {}),
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.session ? { session: options.session } : {}),
    ALPNProtocols: [...(options.alpn ?? (options.request !== undefined ? ['http/1.1'] : []))],
    rejectUnauthorized: options.verify === true,
  });
  socket.on('keylog', (line: Buffer) => keyLog.push(line.toString('latin1')));
  let tlsSession: Buffer | null = null;
  socket.on('session', (session: Buffer) => {
    tlsSession = session;
  });
  socket.on('data', () => {
    lastData = Date.now();
  });

  let tlsError: string | null = null;
  const deadline = Date.now() + timeoutMs;
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    raw.once('close', () => resolve());
  });
  socket.on('error', (error) => {
    tlsError ??= error.message;
  });
  const secure = await new Promise<boolean>((resolve) => {
    socket.once('secureConnect', () => resolve(true));
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    setTimeout(() => resolve(false), timeoutMs).unref();
  });
  if (!secure) tlsError ??= `no TLS handshake within ${timeoutMs} ms`;
  const authorized = secure && socket.authorized;
  const authorizationError =
    secure && !socket.authorized ? String(socket.authorizationError ?? 'unknown') : null;

  if (secure) {
    if (options.request !== undefined) socket.write(buildRequest(options.request, servername ?? host));
    const idleMs = options.idleMs ?? (options.request !== undefined ? 2000 : 400);
    lastData = Date.now();
    const ended = new Promise<void>((resolve) => {
      socket.once('end', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.resume();
    while (Date.now() < deadline) {
      const wait = Math.min(idleMs - (Date.now() - lastData), deadline - Date.now());
      if (wait <= 0) break;
      const done = await Promise.race([ended.then(() => true), sleep(Math.min(wait, 100)).then(() => false)]);
      if (done) break;
    }
    socket.end(); // close_notify
  }
  await Promise.race([closed, sleep(1000)]);
  socket.destroy();
  raw.destroy();
  return {
    chunks,
    keyLogText: keyLog.join(''),
    client,
    server,
    authorized,
    authorizationError,
    tlsError,
    tlsSession,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** captureConnection, then the trace of what it saw. */
export async function traceConnect(
  options: TraceConnectOptions,
): Promise<{ session: TraceSession; capture: LiveCapture }> {
  const capture = await captureConnection(options);
  const warnings: string[] = [];
  if (capture.tlsError !== null) warnings.push(`TLS: ${capture.tlsError}`);
  if (capture.authorizationError !== null)
    warnings.push(
      `certificate not verified: ${capture.authorizationError} (trace goes on; --verify refuses it)`,
    );
  const session = traceSession({
    chunks: capture.chunks,
    keyLog: parseKeyLog(capture.keyLogText),
    client: capture.client,
    server: capture.server,
    warnings,
  });
  return { session, capture };
}
