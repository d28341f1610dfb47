// What a fired timeout says in the log, and the one piece of timing logic shared by the fronts:
// telling a client that does not read (no write progress) from one that is merely slow.

import { clientOf } from './access-log.ts';
import type { ConnectionInfo, HttpLogger } from './types.ts';

/** The `timeout` field of an `http_timeout` line: the config key under `timeouts:` that fired. */
export type TimeoutKind = 'header' | 'body' | 'send' | 'keepalive' | 'tunnel_idle' | 'h2_idle';

export const logTimeout = (
  log: HttpLogger,
  conn: ConnectionInfo,
  timeout: TimeoutKind,
  limitMs: number,
  method: string | null,
  path: string | null,
): void => {
  log({
    event: 'http_timeout',
    timeout,
    limit_ms: limitMs,
    method,
    path,
    client: clientOf(conn),
    sni: conn.serverName ?? null,
    alpn: conn.alpn === false ? null : conn.alpn,
  });
};

/**
 * Bytes waiting to go to the client that have not moved. Checked from an inactivity timer of
 * `tickMs` (which only fires after tickMs without socket activity): a queue whose size has not
 * changed since the last check has been stuck at least that long.
 */
export class SendStall {
  private since = 0;
  private length = -1;

  /** True once `queued` bytes have made no progress for `limitMs`. */
  stuck(now: number, queued: number, tickMs: number, limitMs: number): boolean {
    if (queued === 0) {
      this.length = -1;
      return false;
    }
    if (queued !== this.length) {
      this.length = queued;
      this.since = now - tickMs;
    }
    return now - this.since >= limitMs;
  }

  reset(): void {
    this.length = -1;
  }
}
