// `session:` per listener, `state:` and `workers:` at the top: from the file's words to the settings
// src/state runs on (nginx's ssl_session_* knobs as the model), with Problems for what cannot work.

import { parseRedisUrl } from '../state/redis-url.ts';
import {
  RESUMPTION_DEFAULTS,
  type ResumptionSettings,
  resumptionProblems,
  type StateBackendSettings,
  WORKER_SESSION_WAIT_MS,
} from '../state/settings.ts';
import type { CheckContext } from './check-context.ts';
import { parseDuration } from './duration.ts';
import type { RawSession, RawState } from './schema.ts';
import { checkRedisTopology, clusterPrefix } from './state-topology-check.ts';

// RFC 8446 §4.6.1: a ticket lives at most 7 days.
const MAX_TICKET_LIFETIME_MS = 7 * 24 * 3_600_000;

const durationOr = (value: string | number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const d = parseDuration(value);
  return d.ok ? d.value : fallback;
};

export function checkSession(
  ctx: CheckContext,
  where: string,
  raw: RawSession | undefined,
): ResumptionSettings {
  const d = RESUMPTION_DEFAULTS;
  const timeoutMs = durationOr(raw?.timeout, d.sessionCache.timeoutMs);
  const settings: ResumptionSettings = {
    sessionCache: {
      enabled: raw?.cache ?? d.sessionCache.enabled,
      maxEntries: raw?.cache_size ?? d.sessionCache.maxEntries,
      timeoutMs,
    },
    tickets: {
      enabled: raw?.tickets ?? d.tickets.enabled,
      rotateEveryMs: durationOr(raw?.ticket_rotation, d.tickets.rotateEveryMs),
      // A key keeps decrypting for as long as a ticket made under it may live: rotation never
      // turns a live ticket into a full handshake.
      overlapMs: timeoutMs,
    },
  };
  for (const problem of resumptionProblems(settings))
    ctx.add('error', where, problem, 'e.g. session: { timeout: 1h, ticket_rotation: 12h }');
  if (timeoutMs > MAX_TICKET_LIFETIME_MS)
    ctx.add(
      'error',
      `${where}.timeout`,
      'a session may live at most 7 days (RFC 8446 §4.6.1)',
      'use a timeout of 7 days or less; nginx and Caddy use minutes to hours',
    );
  if (!settings.sessionCache.enabled && !settings.tickets.enabled)
    ctx.add(
      'warning',
      where,
      'session cache and tickets are both off: every connection pays a full handshake',
      'turn one on (tickets: true resumes TLS 1.2 and 1.3)',
    );
  return settings;
}

export async function checkState(
  ctx: CheckContext,
  raw: RawState | undefined,
): Promise<StateBackendSettings> {
  if (raw === undefined || raw.backend === 'memory') {
    for (const key of ['url', 'ca', 'prefix', 'wait', 'sentinels', 'name', 'cluster'] as const)
      if (raw?.[key] !== undefined)
        ctx.add('warning', `state.${key}`, `state.${key} is only used with backend: redis`, `remove ${key}`);
    return { backend: 'memory' };
  }
  const topology = checkRedisTopology(ctx, raw);
  if (topology === null) return { backend: 'memory' };
  const first = topology?.kind === 'sentinel' ? topology.sentinels[0] : topology?.nodes[0];
  // With sentinels or a cluster the url is optional: it gives credentials, db and TLS only.
  const url =
    raw.url ??
    (first
      ? `redis://${first.host.includes(':') ? `[${first.host}]` : first.host}:${first.port}`
      : undefined);
  if (url === undefined) {
    ctx.add('error', 'state', 'backend redis needs a url', 'add url: "redis://127.0.0.1:6379"');
    return { backend: 'memory' };
  }
  const endpoint = parseRedisUrl(url);
  if (!endpoint.ok) {
    ctx.add(
      'error',
      'state.url',
      endpoint.error,
      'write redis://[user:password@]host:port[/db] or rediss://…',
    );
    return { backend: 'memory' };
  }
  if (endpoint.value.password !== undefined)
    ctx.add(
      'warning',
      'state.url',
      'the Redis password is written in the config file',
      'keep the file readable by tlsterm only (chmod 600), or use an ACL user limited to tlsterm’s keys',
    );
  let caPems: string[] | undefined;
  if (raw.ca !== undefined) {
    if (!endpoint.value.tls)
      ctx.add(
        'warning',
        'state.ca',
        'ca is only used with rediss:// (Redis over TLS)',
        'use a rediss:// url',
      );
    caPems = await ctx.readCaFiles(raw.ca, 'state.ca');
  }
  const hosts =
    topology === undefined
      ? [endpoint.value.host]
      : (topology.kind === 'sentinel' ? topology.sentinels : topology.nodes).map((n) => n.host);
  const remote = hosts.find((h) => !isLoopback(h));
  if (!endpoint.value.tls && remote !== undefined)
    ctx.add(
      'warning',
      topology === undefined ? 'state.url' : 'state',
      `ticket keys and sessions go to ${remote} unencrypted`,
      'use rediss:// (Redis over TLS) for a Redis that is not on this host; see docs/resumption.md',
    );
  const waitMs = raw.wait !== undefined ? durationOr(raw.wait, 50) : undefined;
  if (waitMs !== undefined && waitMs >= WORKER_SESSION_WAIT_MS)
    ctx.add(
      'warning',
      'state.wait',
      `a handshake waits at most ${WORKER_SESSION_WAIT_MS} ms for a session in a worker; a longer wait has no effect`,
      `use less than ${WORKER_SESSION_WAIT_MS}ms (the default, 50ms, suits a Redis on the same network)`,
    );
  const prefix = topology?.kind === 'cluster' ? clusterPrefix(raw.prefix ?? 'tlsterm:') : raw.prefix;
  return {
    backend: 'redis',
    url,
    ...(caPems !== undefined ? { tls: { ca: caPems } } : {}),
    ...(prefix !== undefined ? { prefix } : {}),
    ...(topology !== undefined ? { topology } : {}),
    ...(waitMs !== undefined ? { waitMs } : {}),
  };
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.');
