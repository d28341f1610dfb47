// Resumption settings, nginx's knobs as the model:
//   ssl_session_cache shared:SSL:10m  → sessionCache { enabled, maxEntries } (1 MB ≈ 4000 sessions)
//   ssl_session_timeout 5m            → sessionCache.timeoutMs (also the ticket lifetime)
//   ssl_session_tickets on            → tickets.enabled
//   ssl_session_ticket_key (several)  → tickets.rotateEveryMs + tickets.overlapMs
// and where the state lives: memory (one process) or Redis (several hosts).

import type tls from 'node:tls';

export interface SessionCacheSettings {
  readonly enabled: boolean;
  readonly maxEntries: number;
  /** How long a session resumes, by session id or by ticket (tls.Server sessionTimeout). */
  readonly timeoutMs: number;
}

export interface TicketSettings {
  readonly enabled: boolean;
  /** How long a key issues new tickets. */
  readonly rotateEveryMs: number;
  /** How long it keeps decrypting after that; at least timeoutMs so no live ticket is orphaned. */
  readonly overlapMs: number;
}

export interface ResumptionSettings {
  readonly sessionCache: SessionCacheSettings;
  readonly tickets: TicketSettings;
}

export type StateBackendSettings =
  | { readonly backend: 'memory' }
  | {
      readonly backend: 'redis';
      /** redis://[user:password@]host[:port][/db] or rediss://… */
      readonly url: string;
      /** TLS settings for rediss:// (e.g. `ca`). */
      readonly tls?: tls.ConnectionOptions;
      /** Key and channel prefix; default "tlsterm:". */
      readonly prefix?: string;
      /** Most time a handshake waits for a session from Redis; default 50 ms. */
      readonly waitMs?: number;
      /** Ticket-key writer lease; default 15 s. */
      readonly leaseMs?: number;
      /** Sentinel or Cluster; absent: the one server of `url`. */
      readonly topology?: RedisTopology;
    };

/**
 * Redis beyond one server. Sentinel: the current master of `name`, asked of the sentinels (and again
 * after a failover). Cluster: the seed nodes; `url` then gives only credentials, db and TLS.
 */
export type RedisTopology =
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly RedisNode[];
      readonly name: string;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly RedisNode[] };

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

const MINUTE = 60_000;

/** A cluster worker waits at most this for a session from its primary (which asks its own store). */
export const WORKER_SESSION_WAIT_MS = 100;

/** Sessions a cluster worker keeps in its own memory per listener, in front of the primary's cache. */
export const WORKER_NEAR_SESSIONS = 4096;

export const RESUMPTION_DEFAULTS: ResumptionSettings = {
  // nginx's defaults: 5 minutes; 20 000 sessions ≈ shared:SSL:5m.
  sessionCache: { enabled: true, maxEntries: 20_000, timeoutMs: 5 * MINUTE },
  tickets: { enabled: true, rotateEveryMs: 60 * MINUTE, overlapMs: 5 * MINUTE },
};

/** What is wrong with the settings, in words for `tlsterm check` (empty when nothing is). */
export function resumptionProblems(settings: ResumptionSettings): string[] {
  const problems: string[] = [];
  const { sessionCache: cache, tickets } = settings;
  if (!Number.isInteger(cache.maxEntries) || cache.maxEntries < 1)
    problems.push(`session cache size ${cache.maxEntries} (give a whole number of sessions, at least 1)`);
  if (!(cache.timeoutMs >= 1000)) problems.push(`session timeout ${cache.timeoutMs} ms (at least 1 s)`);
  if (!(tickets.rotateEveryMs >= 1000))
    problems.push(`ticket key rotation every ${tickets.rotateEveryMs} ms (at least 1 s)`);
  if (!(tickets.overlapMs >= 0)) problems.push(`ticket key overlap ${tickets.overlapMs} ms (0 or more)`);
  return problems;
}
