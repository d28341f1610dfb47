// `tlsterm trace --listen ADDR --to HOST:PORT`: a plain TCP relay between a client of the user's
// choice and the real server. It records both byte streams of each connection and, when the
// connection ends, reads the key log the client wrote (SSLKEYLOGFILE, `openssl s_client
// -keylogfile`, `tlsterm serve`'s keylog) and traces the session. It never decrypts in the path.
import type { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Errors, TlstermError } from '../errors.ts';
import { EMPTY_KEY_LOG, type KeyLog, parseKeyLog } from '../wire/keylog.ts';
import { endpointText } from './packet.ts';
import { traceSession } from './session.ts';
import type { Chunk, TraceSession } from './types.ts';

export interface TraceRelayOptions {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly toHost: string;
  readonly toPort: number;
  /** Read when each connection ends; missing or unreadable → traced without keys, with a warning. */
  readonly keyLogFile?: string;
  /** Called once per finished connection. */
  readonly onSession: (session: TraceSession, chunks: readonly Chunk[]) => void;
}

export interface TraceRelay {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const now = (): number => (performance.timeOrigin + performance.now()) / 1000;

async function loadKeyLog(file: string | undefined, warnings: string[]): Promise<KeyLog> {
  if (file === undefined) return EMPTY_KEY_LOG;
  try {
    return parseKeyLog(await readFile(file, 'utf8'));
  } catch (error) {
    warnings.push(`key log ${file} not readable: ${(error as Error).message}`);
    return EMPTY_KEY_LOG;
  }
}

export async function startTraceRelay(options: TraceRelayOptions): Promise<TraceRelay> {
  const sockets = new Set<net.Socket>();
  const pending = new Set<Promise<void>>();
  const server = net.createServer((downstream) => {
    sockets.add(downstream);
    downstream.pause();
    const chunks: Chunk[] = [];
    const warnings: string[] = [];
    const client = endpointText(downstream.remoteAddress ?? '?', downstream.remotePort ?? 0);
    const target = `${options.toHost}:${options.toPort}`;
    const upstream = net.connect({ host: options.toHost, port: options.toPort });
    sockets.add(upstream);
    let serverText = target;
    upstream.once('connect', () => {
      serverText = endpointText(
        upstream.remoteAddress ?? options.toHost,
        upstream.remotePort ?? options.toPort,
      );
      downstream.resume();
    });
    downstream.on('data', (data: Buffer) => {
      chunks.push({ dir: 'client', data: new Uint8Array(data), time: now() });
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      chunks.push({ dir: 'server', data: new Uint8Array(data), time: now() });
      downstream.write(data);
    });
    downstream.on('end', () => upstream.end());
    upstream.on('end', () => downstream.end());
    upstream.on('error', (error) => {
      warnings.push(`upstream ${target}: ${error.message}`);
      downstream.destroy();
    });
    downstream.on('error', (error) => {
      warnings.push(`client ${client}: ${error.message}`);
      upstream.destroy();
    });
    let closed = 0;
    const done = new Promise<void>((resolve) => {
      const onClose = (): void => {
        if (++closed < 2) return;
        sockets.delete(downstream);
        sockets.delete(upstream);
        void loadKeyLog(options.keyLogFile, warnings).then((keyLog) => {
          if (chunks.length > 0)
            options.onSession(traceSession({ chunks, keyLog, client, server: serverText, warnings }), chunks);
          resolve();
        });
      };
      downstream.once('close', onClose);
      upstream.once('close', onClose);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new TlstermError(Errors.listen(`${options.listenHost}:${options.listenPort}`, error.message), {
          cause: error,
        }),
      ),
    );
    server.listen(options.listenPort, options.listenHost, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    host: address.address,
    port: address.port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await Promise.all(pending);
    },
  };
}
