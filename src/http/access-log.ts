// Log events of the HTTP layer. Plain object literals with a fixed shape: cheap to build, and the
// terminator's logger serialises them as one JSON line each.

import type { ConnectionInfo, HttpLogger } from './types.ts';

export const logRequest = (
  log: HttpLogger,
  conn: ConnectionInfo,
  method: string,
  path: string,
  status: number,
  bytesIn: number,
  bytesOut: number,
  startedAt: number,
  upstream: string,
  /** Extra members for this line (a 421's reason, an upgrade): the rare paths only. */
  note?: Readonly<Record<string, string | readonly string[]>> | null,
): void => {
  const line = {
    event: 'request' as const,
    method,
    path,
    status,
    bytes_in: bytesIn,
    bytes_out: bytesOut,
    duration_ms: Math.round((performance.now() - startedAt) * 1000) / 1000,
    upstream,
    client: conn.clientAddress,
    sni: conn.serverName ?? null,
    alpn: conn.alpn === false ? null : conn.alpn,
  };
  log(note == null ? line : { ...line, ...note });
};

export const logRejected = (log: HttpLogger, conn: ConnectionInfo, status: number, reason: string): void => {
  log({
    event: 'http_rejected',
    status,
    reason,
    client: conn.clientAddress,
    client_port: conn.clientPort,
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
    client: conn.clientAddress,
    sni: conn.serverName ?? null,
  });
};
