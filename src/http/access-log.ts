// Log events of the HTTP layer. Plain object literals with a fixed shape: cheap to build, and the
// terminator's logger serialises them as one line each.

import { performance } from 'node:perf_hooks';
import { endpoint, newRequestId } from '../observe/index.ts';
import type { ConnectionInfo, HttpLogger } from './types.ts';

/** What one request's `access` line says, gathered by the h1 connection or the h2 stream. */
export interface AccessFacts {
  readonly method: string;
  /** The request target as sent, query included (Caddy's `uri`). */
  readonly uri: string;
  readonly host: string | null;
  readonly userAgent: string | null;
  /** '' when the request was refused before its id was read: one is made for the line. */
  readonly requestId: string;
  readonly status: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** performance.now() at the request head, and at the first response byte (0: none sent). */
  readonly startedAt: number;
  readonly firstByteAt: number;
  /** Upstream connect time; 0 for a pooled connection; null when no upstream was asked. */
  readonly connectMs: number | null;
  readonly upstream: string;
  /** The connection's first request: the line carries its handshake time. */
  readonly first: boolean;
  /** Extra members for this line (a 421's reason, an upgrade): the rare paths only. */
  readonly note?: Readonly<Record<string, string | number | readonly string[]>> | null;
}

const ms = (from: number, to: number): number => Math.round((to - from) * 1000) / 1000;

/** "[::1]:43818": made once per connection by the terminator (ConnectionInfo.client). */
export const clientOf = (conn: ConnectionInfo): string =>
  conn.client ?? endpoint(conn.clientAddress, conn.clientPort);

/** Does `host` (as sent: case, port, brackets) name `sni`? */
export const sameName = (host: string | null, sni: string | undefined): boolean => {
  if (host === null || sni === undefined) return host === null && sni === undefined;
  const end = host.charCodeAt(0) === 0x5b ? host.indexOf(']') + 1 : host.lastIndexOf(':');
  const name = end > 0 ? host.slice(0, end) : host;
  return name.length === sni.length && name.toLowerCase() === sni.toLowerCase();
};

const seen = new WeakSet<ConnectionInfo>();

/** True for a connection's first request only (h2: streams of one session share the info). */
export const firstRequestOf = (conn: ConnectionInfo): boolean => {
  if (seen.has(conn)) return false;
  seen.add(conn);
  return true;
};

/** An access line's extra members (the filters', a 421's or an upgrade's, a pool attempt's); null when none. */
export const accessNote = (
  filterNote: Readonly<Record<string, string | readonly string[]>> | null,
  note: Readonly<Record<string, string | readonly string[]>> | null,
  attempt: { logFields(): Readonly<Record<string, string | number>> } | null,
): AccessFacts['note'] =>
  // Most requests have none: no object is built and the line is not copied (logAccess).
  filterNote === null && note === null && attempt === null
    ? null
    : { ...(filterNote ?? {}), ...(note ?? {}), ...(attempt === null ? {} : attempt.logFields()) };

export const logAccess = (log: HttpLogger, conn: ConnectionInfo, f: AccessFacts): void => {
  const now = performance.now();
  // One shape for every line: a member that does not apply is undefined, which neither format writes
  // (JSON.stringify and the text line skip it). Spreading optional members in gave each request one
  // of several shapes, and the copies and lookups of a polymorphic object (~1 µs per request).
  const line = {
    event: 'access' as const,
    conn_id: conn.connId ?? null,
    request_id: f.requestId === '' ? newRequestId() : f.requestId,
    client: clientOf(conn),
    proto: conn.alpn === false ? 'http/1.1' : conn.alpn,
    // Only when it says something the handshake line (joined by conn_id) does not: a request for
    // another name than the connection's (coalesced, or answered 421), or a connection without SNI.
    sni: sameName(f.host, conn.serverName) ? undefined : (conn.serverName ?? null),
    host: f.host,
    method: f.method,
    uri: f.uri,
    status: f.status,
    bytes_in: f.bytesIn,
    bytes_out: f.bytesOut,
    user_agent: f.userAgent,
    upstream: f.upstream,
    tls_ms: f.first ? conn.tlsMs : undefined,
    upstream_connect_ms: f.connectMs ?? undefined,
    ttfb_ms: f.firstByteAt === 0 ? null : ms(f.startedAt, f.firstByteAt),
    total_ms: ms(f.startedAt, now),
  };
  log(f.note == null ? line : { ...line, ...f.note });
};

export const logRejected = (log: HttpLogger, conn: ConnectionInfo, status: number, reason: string): void => {
  log({
    event: 'http_rejected',
    status,
    reason,
    client: clientOf(conn),
    conn_id: conn.connId ?? null,
    sni: conn.serverName ?? null,
    alpn: conn.alpn === false ? null : conn.alpn,
  });
};

export const logUpstreamError = (
  log: HttpLogger,
  conn: ConnectionInfo,
  status: number,
  upstream: string,
  error: string,
  detail: string,
  method: string,
  path: string,
): void => {
  log({
    event: 'upstream_error',
    status,
    upstream,
    error,
    detail,
    method,
    path,
    client: clientOf(conn),
    conn_id: conn.connId ?? null,
    sni: conn.serverName ?? null,
  });
};
