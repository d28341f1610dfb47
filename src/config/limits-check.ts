// `timeouts:` and `limits:` per listener: from the file's words to the HttpTimeouts / HttpLimits the
// serving path runs on, with Problems for values that cannot work. `handshake_timeout` (the old
// spelling of timeouts.handshake) keeps working as an alias.

import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, type HttpLimits, type HttpTimeouts } from '../http/limits.ts';
import type { CheckContext } from './check-context.ts';
import { formatDuration, parseDuration } from './duration.ts';
import type { RawListener } from './schema.ts';
import { parseSize } from './size.ts';

const TIMEOUT_KEYS = [
  ['handshake', 'handshakeMs'],
  ['header', 'headerMs'],
  ['body', 'bodyMs'],
  ['send', 'sendMs'],
  ['keepalive', 'keepaliveMs'],
  ['tunnel_idle', 'tunnelIdleMs'],
  ['h2_idle', 'h2IdleMs'],
] as const;

/** Longer than this and a timeout no longer protects anything (a stuck client holds its slot for a day). */
const MAX_TIMEOUT_MS = 24 * 3_600_000;

const MIN_HEADER_BYTES = 1024;
const MAX_HEADER_BYTES = 1024 * 1024;

export function checkTimeouts(ctx: CheckContext, lp: string, raw: RawListener): HttpTimeouts {
  const out: Record<(typeof TIMEOUT_KEYS)[number][1], number> = { ...DEFAULT_TIMEOUTS };
  const given = raw.timeouts ?? {};
  // The old spelling alone is a plain alias (configs written for it keep working, silently).
  if (raw.handshake_timeout !== undefined && given.handshake !== undefined) {
    ctx.add(
      'warning',
      `${lp}.handshake_timeout`,
      'handshake_timeout and timeouts.handshake are both set: timeouts.handshake wins',
      'remove handshake_timeout (its old spelling)',
    );
  }
  for (const [key, field] of TIMEOUT_KEYS) {
    const value = key === 'handshake' ? (given.handshake ?? raw.handshake_timeout) : given[key];
    if (value === undefined) continue;
    const where =
      key === 'handshake' && given.handshake === undefined
        ? `${lp}.handshake_timeout`
        : `${lp}.timeouts.${key}`;
    const d = parseDuration(value);
    if (!d.ok) continue; // the schema has said why
    if (d.value <= 0) {
      ctx.add(
        'error',
        where,
        `timeouts.${key} must be longer than zero`,
        `e.g. ${key}: ${formatDuration(DEFAULT_TIMEOUTS[field])} (the default)`,
      );
      continue;
    }
    if (d.value > MAX_TIMEOUT_MS) {
      ctx.add(
        'error',
        where,
        `timeouts.${key} of ${formatDuration(d.value)} leaves a stuck client its connection for over a day`,
        `use at most 24h; the default is ${formatDuration(DEFAULT_TIMEOUTS[field])}`,
      );
      continue;
    }
    out[field] = d.value;
  }
  return out;
}

export function checkLimits(ctx: CheckContext, lp: string, raw: RawListener): HttpLimits {
  const given = raw.limits ?? {};
  const size = (key: 'max_body' | 'max_header_bytes', fallback: number): number => {
    const value = given[key];
    if (value === undefined) return fallback;
    const r = parseSize(value);
    return r.ok ? r.value : fallback; // the schema has said why
  };
  const maxHeaderBytes = size('max_header_bytes', DEFAULT_LIMITS.maxHeaderBytes);
  if (maxHeaderBytes < MIN_HEADER_BYTES || maxHeaderBytes > MAX_HEADER_BYTES) {
    ctx.add(
      'error',
      `${lp}.limits.max_header_bytes`,
      `max_header_bytes must be between ${MIN_HEADER_BYTES} (1k) and ${MAX_HEADER_BYTES} (1m)`,
      'the default 16k fits browsers and their cookies; nginx allows 8k per line, 32k in all',
    );
  }
  const limits: HttpLimits = {
    maxBody: size('max_body', DEFAULT_LIMITS.maxBody),
    maxHeaderBytes,
    maxHeaderFields: given.max_header_fields ?? DEFAULT_LIMITS.maxHeaderFields,
    h2MaxStreams: given.h2_max_streams ?? DEFAULT_LIMITS.h2MaxStreams,
    maxConnections: given.max_connections ?? DEFAULT_LIMITS.maxConnections,
    maxConnectionsPerClient: given.max_connections_per_client ?? DEFAULT_LIMITS.maxConnectionsPerClient,
  };
  if (
    limits.maxConnections > 0 &&
    limits.maxConnectionsPerClient > limits.maxConnections &&
    given.max_connections_per_client !== undefined
  ) {
    ctx.add(
      'warning',
      `${lp}.limits.max_connections_per_client`,
      `max_connections_per_client (${limits.maxConnectionsPerClient}) is above max_connections (${limits.maxConnections}): it never applies`,
      'lower it, or raise max_connections',
    );
  }
  if (given.max_connections === 0 && given.max_connections_per_client === 0) {
    ctx.add(
      'warning',
      `${lp}.limits`,
      'max_connections and max_connections_per_client are both 0: one client can open connections until memory or file descriptors run out',
      'keep a per-client bound, e.g. max_connections_per_client: 1000',
    );
  }
  return limits;
}
