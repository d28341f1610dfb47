// A load client for new TLS connections, full or resumed. wrk with `Connection: close` resumes the
// previous session on every reconnect, and only when the server renewed it; here each connection is a
// fresh tls.connect and its kind is chosen and checked: FULL (no session passed in, must not resume)
// or RESUMED in one of three ways (must resume):
//   tls12-session-id  TLS 1.2, the client offers no ticket, so the server looks the id up in its cache
//   tls12-ticket      TLS 1.2, the session ticket from the priming connection
//   tls13-ticket      TLS 1.3, a NewSessionTicket from the priming connection (PSK with (EC)DHE)
// Each connection does what a browser's visit does: handshake, one GET, read to the close.
import { constants } from 'node:crypto';
import { type ConnectionOptions, connect, type TLSSocket } from 'node:tls';

export type ResumeMode = 'tls12-session-id' | 'tls12-ticket' | 'tls13-ticket';

export interface HandshakeLoadOptions {
  readonly port: number;
  readonly servername: string;
  readonly path: string;
  readonly concurrency: number;
  readonly maxConnections: number;
  readonly durationMs: number;
  /** The session every connection offers (from primeSession); none: full handshakes. */
  readonly resume?: PrimedSession;
}

export interface HandshakeLoadResult {
  /** Connections that completed their handshake and got a 200 response. */
  readonly completed: number;
  readonly failed: number;
  /** Connections the server resumed (must be 0 for full handshakes). */
  readonly resumed: number;
  readonly elapsedSeconds: number;
  readonly firstError?: string;
}

export interface PrimedSession {
  readonly mode: ResumeMode;
  readonly session: Buffer;
}

const perConnectionTimeoutMs = 5000;

type Outcome = { ok: true; resumed: boolean; session?: Buffer } | { ok: false; error: string };

function clientOptions(options: HandshakeLoadOptions, mode: ResumeMode | undefined): ConnectionOptions {
  const tls12 = mode === 'tls12-session-id' || mode === 'tls12-ticket';
  return {
    host: '127.0.0.1',
    port: options.port,
    servername: options.servername,
    // The chain is verified once in the smoke check; here the client's CPU is better spent on load.
    rejectUnauthorized: false,
    // One key share, one the servers all pick: the client would otherwise also generate an ML-KEM share.
    // In TLS 1.2 the list also names the curves the client accepts certificates on: P-256 too.
    ecdhCurve: tls12 ? 'X25519:P-256' : 'X25519',
    ALPNProtocols: ['http/1.1'],
    ...(tls12 ? { maxVersion: 'TLSv1.2' as const } : {}),
    // No session_ticket extension: the server can only resume by the session id.
    ...(mode === 'tls12-session-id' ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
  };
}

function oneConnection(
  options: HandshakeLoadOptions,
  mode: ResumeMode | undefined,
  session: Buffer | undefined,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let head = '';
    let resumed = false;
    let ticket: Buffer | undefined;
    const socket: TLSSocket = connect({
      ...clientOptions(options, mode),
      ...(session === undefined ? {} : { session }),
    });
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, error: 'timed out' }), perConnectionTimeoutMs);
    // TLS 1.3 tickets arrive after the handshake; TLS 1.2 sessions are complete at secureConnect.
    if (mode !== undefined)
      socket.on('session', (s: Buffer) => {
        ticket = s;
      });
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
      if (!head.startsWith('HTTP/1.1 200')) {
        finish({ ok: false, error: `unexpected response: ${JSON.stringify(head.slice(0, 16))}` });
        return;
      }
      const kept = mode === 'tls13-ticket' ? ticket : (ticket ?? socket.getSession());
      finish({ ok: true, resumed, ...(kept === undefined ? {} : { session: kept }) });
    });
  });
}

/** One full handshake that yields the session the resumed connections will offer. */
export async function primeSession(
  options: Omit<HandshakeLoadOptions, 'resume'>,
  mode: ResumeMode,
): Promise<{ ok: true; value: PrimedSession } | { ok: false; error: string }> {
  const outcome = await oneConnection(options, mode, undefined);
  if (!outcome.ok) return outcome;
  if (outcome.session === undefined)
    return { ok: false, error: `the server issued no ${mode === 'tls13-ticket' ? 'ticket' : 'session'}` };
  return { ok: true, value: { mode, session: outcome.session } };
}

export async function runHandshakeLoad(options: HandshakeLoadOptions): Promise<HandshakeLoadResult> {
  const started = performance.now();
  const deadline = started + options.durationMs;
  const mode = options.resume?.mode;
  const session = options.resume?.session;
  let launched = 0;
  let completed = 0;
  let failed = 0;
  let resumed = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (launched < options.maxConnections && performance.now() < deadline) {
      launched += 1;
      // Every connection offers the primed session, whatever the server handed out since: the same
      // client work against every server, whether or not it renews tickets on resumption.
      const outcome = await oneConnection(options, mode, session);
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
