// The last handshake and handshake_failed lines a worker wrote, kept in a bounded ring (a tap on
// its logger) for `GET /api/v1/events`. Only the event's own fields are kept, not the offered
// lists rendered beside it: a few hundred bytes a line, so 1000 lines stay well under 1 MiB.

import type { LogEvent, Logger } from '../../observe/index.ts';
import type { EventQuery } from './asks.ts';
import { clientMatcher } from './cidr.ts';

/** Lines kept per worker. */
export const EVENT_RING_SIZE = 1000;

export interface EventRing {
  /** The logger to use: it writes as before and keeps the handshake lines. */
  readonly log: Logger;
  /** Newest first, filtered; at most `query.limit`. */
  query(query: EventQuery): Readonly<Record<string, unknown>>[];
}

interface Kept {
  readonly at: number;
  readonly event: LogEvent;
}

export function createEventRing(log: Logger, size = EVENT_RING_SIZE): EventRing {
  // The logged event itself and when: the copy with `time` in front is made when asked for, not
  // on every handshake (log events are not changed after they are logged).
  const ring: (Kept | undefined)[] = new Array(size);
  let next = 0;
  return {
    log: (event: LogEvent, raw) => {
      // Two comparisons, not a Set: this runs for every line the worker logs (an access line per request).
      const name = event.event;
      if (name === 'handshake' || name === 'handshake_failed') {
        ring[next] = { at: Date.now(), event };
        next = (next + 1) % size;
      }
      log(event, raw);
    },
    query(q) {
      const client = q.client === undefined ? undefined : clientMatcher(q.client);
      const out: Readonly<Record<string, unknown>>[] = [];
      for (let i = 1; i <= size && out.length < q.limit; i++) {
        const kept = ring[(next - i + size) % size];
        if (kept === undefined) break;
        const e = kept.event;
        if (q.site !== undefined && e['site'] !== q.site && e['sni'] !== q.site) continue;
        if (q.reason !== undefined && e['reason'] !== q.reason) continue;
        if (client?.ok === true && !client.match(String(e['client'] ?? ''))) continue;
        out.push({ time: new Date(kept.at).toISOString(), ...e });
      }
      return out;
    },
  };
}
