// A load client for FULL TLS handshakes. wrk with `Connection: close` resumes the previous session
// on every reconnect, so it measures resumptions; here every connection is a fresh tls.connect with
// no session passed in, and each one is checked not to have been resumed.
// Each connection does what a browser's first visit does: handshake, one GET, read to the close.
import { connect, type TLSSocket } from 'node:tls';

export interface HandshakeLoadOptions {
  readonly port: number;
  readonly servername: string;
  readonly path: string;
  readonly concurrency: number;
  readonly maxConnections: number;
  readonly durationMs: number;
}

export interface HandshakeLoadResult {
  /** Connections that completed a full handshake and got a 200 response. */
  readonly completed: number;
  readonly failed: number;
  /** Connections the server resumed anyway (must be 0 for the figure to mean full handshakes). */
  readonly resumed: number;
  readonly elapsedSeconds: number;
  readonly firstError?: string;
}

const perConnectionTimeoutMs = 5000;

type Outcome = { ok: true; resumed: boolean } | { ok: false; error: string };

function oneConnection(options: HandshakeLoadOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let head = '';
    let resumed = false;
    const socket: TLSSocket = connect({
      host: '127.0.0.1',
      port: options.port,
      servername: options.servername,
      // The chain is verified once in the smoke check; here the client's CPU is better spent on load.
      rejectUnauthorized: false,
      // One key share, one the servers all pick: the client would otherwise also generate an ML-KEM share.
      ecdhCurve: 'X25519',
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, error: 'timed out' }), perConnectionTimeoutMs);
    socket.once('secureConnect', () => {
      resumed = socket.isSessionReused();
      // write, not end: a half-close reads as "client gone" to nginx, which would abort the request.
      socket.write(
        `GET ${options.path} HTTP/1.1\r\nHost: ${options.servername}\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (head.length < 16) head += chunk;
    });
    socket.once('error', (err) => finish({ ok: false, error: err.message }));
    socket.once('close', () => {
      if (head.startsWith('HTTP/1.1 200')) finish({ ok: true, resumed });
      else finish({ ok: false, error: `unexpected response: ${JSON.stringify(head.slice(0, 16))}` });
    });
  });
}

export async function runHandshakeLoad(options: HandshakeLoadOptions): Promise<HandshakeLoadResult> {
  const started = performance.now();
  const deadline = started + options.durationMs;
  let launched = 0;
  let completed = 0;
  let failed = 0;
  let resumed = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (launched < options.maxConnections && performance.now() < deadline) {
      launched += 1;
      const outcome = await oneConnection(options);
      if (outcome.ok) {
        completed += 1;
        if (outcome.resumed) resumed += 1;
      } else {
        failed += 1;
        firstError ??= outcome.error;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { completed, failed, resumed, elapsedSeconds, ...(firstError === undefined ? {} : { firstError }) };
}
