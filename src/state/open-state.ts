// One call that gives a process its resumption state from the settings: a session store and a
// ticket-key ring, in memory or in Redis. Redis being down at start is not an error (local state,
// one `state_backend_down` event); a bad URL or bad settings are.

import { Errors, TlstermError } from '../errors.ts';
import type { Logger } from '../observe/index.ts';
import { createMemoryKeyRing } from './memory-key-ring.ts';
import { openRedisConnection, type RedisConnection } from './redis-connection.ts';
import { openRedisKeyRing } from './redis-key-ring.ts';
import { createRedisSessionStore } from './redis-session-store.ts';
import { createMemorySessionStore, type SessionStore } from './session-store.ts';
import { type ResumptionSettings, resumptionProblems, type StateBackendSettings } from './settings.ts';
import type { TicketKeyRing } from './ticket-key-ring.ts';

export interface ResumptionState {
  /** Undefined when the session cache is off. */
  readonly sessions: SessionStore | undefined;
  /** Undefined when tickets are off. */
  readonly ring: TicketKeyRing | undefined;
  close(): Promise<void>;
}

export async function openResumptionState(options: {
  readonly resumption: ResumptionSettings;
  readonly state: StateBackendSettings;
  readonly log: Logger;
}): Promise<ResumptionState> {
  const { resumption, state, log } = options;
  const problems = resumptionProblems(resumption);
  if (problems.length > 0) throw new TlstermError(Errors.resumptionSettings(problems.join('; ')));
  const { sessionCache, tickets } = resumption;
  const local = sessionCache.enabled
    ? createMemorySessionStore({ maxEntries: sessionCache.maxEntries, ttlMs: sessionCache.timeoutMs })
    : undefined;
  if (state.backend === 'memory') {
    const ring = tickets.enabled
      ? createMemoryKeyRing({ rotateEveryMs: tickets.rotateEveryMs, overlapMs: tickets.overlapMs })
      : undefined;
    return {
      sessions: local,
      ring,
      async close() {
        await Promise.all([local?.close(), ring?.close()]);
      },
    };
  }
  if (local === undefined && !tickets.enabled)
    return { sessions: undefined, ring: undefined, close: async () => {} };
  const connection: RedisConnection = await openRedisConnection({
    url: state.url,
    log,
    ...(state.tls ? { tls: state.tls } : {}),
    ...(state.topology ? { topology: state.topology } : {}),
  });
  const prefix = state.prefix;
  const sessions =
    local === undefined
      ? undefined
      : createRedisSessionStore({
          connection,
          local,
          ttlMs: sessionCache.timeoutMs,
          ...(state.waitMs !== undefined ? { waitMs: state.waitMs } : {}),
          ...(prefix !== undefined ? { prefix } : {}),
        });
  const ring = tickets.enabled
    ? await openRedisKeyRing({
        connection,
        log,
        rotateEveryMs: tickets.rotateEveryMs,
        overlapMs: tickets.overlapMs,
        ...(prefix !== undefined ? { prefix } : {}),
        ...(state.leaseMs !== undefined ? { leaseMs: state.leaseMs } : {}),
      })
    : undefined;
  return {
    sessions,
    ring,
    async close() {
      await Promise.all([sessions?.close(), ring?.close()]);
      await connection.close();
    },
  };
}
