// HTTP/2 clients from the bench process (node:http2, which offers ALPN h2 only): the smoke check of
// the HTTP/2 front (chain verified, h2 negotiated, GET /1k answered in full) and many idle h2
// connections held open for the memory figure (TLS handshake done, prefaces and SETTINGS exchanged,
// no stream), as a browser's parked HTTP/2 connection is.
import { readFileSync } from 'node:fs';
import { type ClientHttp2Session, connect } from 'node:http2';
import { holdMany, type IdleConnections } from './idle-connections.ts';
import { within } from './wait.ts';

export type H2Check = { ok: true; bytes: number } | { ok: false; error: string };

/** One verified h2 GET: the server must pick h2 by ALPN and answer 200 with the body. */
export async function h2Get(options: {
  readonly port: number;
  readonly hostname: string;
  readonly path: string;
  /** The root CA's file. */
  readonly ca: string;
  readonly timeoutMs: number;
}): Promise<H2Check> {
  const session = connect(`https://${options.hostname}:${options.port}`, {
    host: '127.0.0.1',
    servername: options.hostname,
    ca: readFileSync(options.ca),
  });
  const answer = new Promise<H2Check>((resolve) => {
    session.once('error', (err) => resolve({ ok: false, error: `no h2 connection: ${err.message}` }));
    session.once('connect', () => {
      if (session.alpnProtocol !== 'h2') {
        resolve({ ok: false, error: `ALPN chose ${session.alpnProtocol ?? 'nothing'}, not h2` });
        return;
      }
      const stream = session.request({ ':path': options.path, ':authority': options.hostname });
      let status = 0;
      let bytes = 0;
      stream.on('response', (headers) => {
        status = Number(headers[':status']);
      });
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.once('error', (err) => resolve({ ok: false, error: `stream: ${err.message}` }));
      stream.once('end', () =>
        resolve(status === 200 ? { ok: true, bytes } : { ok: false, error: `HTTP status ${status}` }),
      );
    });
  });
  try {
    const timer = within(answer, options.timeoutMs);
    if (!(await timer)) return { ok: false, error: `no answer within ${options.timeoutMs} ms` };
    return await answer;
  } finally {
    session.destroy();
  }
}

/** Idle h2 sessions held open (the same shape as idle TLS connections). */
export type IdleH2Sessions = IdleConnections;

export interface IdleH2Options {
  readonly port: number;
  readonly servername: string;
  readonly count: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
}

// Open once the server has acknowledged our SETTINGS ('localSettings'): it has read the preface and
// set the session up, so what it holds for the connection is in place.
function openOne(options: IdleH2Options, deadline: number): Promise<ClientHttp2Session | Error> {
  return new Promise((resolve) => {
    const session = connect(`https://${options.servername}:${options.port}`, {
      host: '127.0.0.1',
      servername: options.servername,
      rejectUnauthorized: false,
      ecdhCurve: 'X25519',
    });
    const timer = setTimeout(
      () => {
        session.destroy();
        resolve(new Error('h2 connection timed out'));
      },
      Math.max(1, deadline - performance.now()),
    );
    session.once('localSettings', () => {
      clearTimeout(timer);
      if (session.alpnProtocol !== 'h2') {
        session.destroy();
        resolve(new Error(`ALPN chose ${session.alpnProtocol ?? 'nothing'}, not h2`));
      } else resolve(session);
    });
    session.once('error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

export function openIdleH2Sessions(options: IdleH2Options): Promise<IdleH2Sessions> {
  return holdMany(
    options,
    (deadline) => openOne(options, deadline),
    (s) => !s.closed && !s.destroyed,
  );
}
