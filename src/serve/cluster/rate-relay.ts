// Rate-limit buckets across hosts (`state: redis`): the primary publishes what its workers took
// (the batches they send it every 50 ms, see http/rules/rate-sync.ts) on a Redis channel, and hands
// what other instances published to its workers, which subtract it from their buckets as they do a
// sibling's. No Redis command on the request path: with Redis down each instance goes on limiting
// alone (each then admits the whole limit), and catches up when it is back.

import { randomBytes } from 'node:crypto';
import type { RateTaken } from '../../http/index.ts';
import type { Logger } from '../../observe/index.ts';
import { openRedisConnection, type StateBackendSettings } from '../../state/index.ts';

export interface RateRelay {
  /** What this instance's workers took. */
  publish(taken: RateTaken): void;
  close(): Promise<void>;
}

const NONE: RateRelay = { publish: () => {}, close: async () => {} };

interface Wire {
  readonly from: string;
  readonly taken: RateTaken;
}

const isWire = (x: unknown): x is Wire =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as { from?: unknown }).from === 'string' &&
  Array.isArray((x as { taken?: unknown }).taken);

export async function openRateRelay(
  state: StateBackendSettings,
  log: Logger,
  /** Plans without any rate_limit need no channel. */
  used: boolean,
  deliver: (taken: RateTaken) => void,
): Promise<RateRelay> {
  if (state.backend !== 'redis' || !used) return NONE;
  const conn = await openRedisConnection({ url: state.url, log, ...(state.tls ? { tls: state.tls } : {}) });
  const channel = `${state.prefix ?? 'tlsterm:'}rate-taken`;
  const me = randomBytes(8).toString('hex');
  const sub = conn.subscriber();
  sub.on('message', (ch: string, text: string) => {
    if (ch !== channel) return;
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (isWire(m) && m.from !== me) deliver(m.taken);
  });
  sub.subscribe(channel).catch(() => {});
  return {
    publish(taken) {
      if (conn.isUp()) conn.client.publish(channel, JSON.stringify({ from: me, taken })).catch(() => {});
    },
    async close() {
      sub.disconnect();
      await conn.close();
    },
  };
}
