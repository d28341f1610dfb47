// Ticket keys shared by several hosts through Redis: one writer, everyone reads.
//
// Every `pollMs` (and whenever the key set changes or Redis comes back) each instance runs one round:
//   1. take or renew the lease: SET <prefix>ticket-keys:lease <token> NX PX leaseMs, or PEXPIRE it
//      when the token is ours (one Lua script, so the check and the renewal are one step);
//   2. the lease holder applies the schedule (rotation.ts) to the set in Redis — or, when Redis has
//      none (first start, or Redis restarted empty), to its own — and writes it back only if the
//      lease is still its own (same script), then PUBLISHes on <prefix>ticket-keys;
//   3. everyone else adopts the set from Redis; SUBSCRIBE makes that immediate, polling makes it
//      certain. Keys are announced a whole rotation period before they issue, so a reader that
//      misses a message still has the new key long before anyone issues under it.
// While Redis is unreachable each instance rotates its own set (a memory ring in effect) and keeps
// serving; when Redis is back it adopts the shared set again, keeping its own keys decrypt-only
// until they age out (ticket-key-ring.ts, orphans), so its recent tickets still resume.

import crypto from 'node:crypto';
import type { Logger } from '../observe/index.ts';
import { decodeTicketKeys, encodeTicketKeys } from './key-set-codec.ts';
import type { RedisClient, RedisConnection } from './redis-connection.ts';
import { DEFAULT_PREFIX } from './redis-session-store.ts';
import { type RotationSettings, rotateKeys } from './rotation.ts';
import { generateTicketKey, type TicketKey } from './ticket-key.ts';
import { type Clock, KeyRingCore, type TicketKeyRing } from './ticket-key-ring.ts';

export interface RedisKeyRingOptions {
  readonly connection: RedisConnection;
  readonly log: Logger;
  readonly rotateEveryMs: number;
  readonly overlapMs: number;
  /** Key prefix; default "tlsterm:". */
  readonly prefix?: string;
  /** How long a leader's lease lasts without renewal; default 15 s. */
  readonly leaseMs?: number;
  /** How often each instance runs a round; default a third of the lease. */
  readonly pollMs?: number;
  readonly clock?: Clock;
}

export interface RedisKeyRing extends TicketKeyRing {
  /** Run one round now (lease, rotate or adopt). Never rejects. */
  sync(): Promise<void>;
  /** This instance held the lease at its last round. */
  isLeader(): boolean;
}

const LEASE = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const WRITE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
redis.call('PUBLISH', ARGV[3], 'changed')
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Not a ParseResult: every failed Redis call means the same thing here (work alone on local keys
// this round), so the failure arm carries no `error`.
type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };
const attempt = <T>(work: Promise<T>): Promise<Attempt<T>> =>
  work.then(
    (value) => ({ ok: true as const, value }),
    () => ({ ok: false as const }),
  );

export async function openRedisKeyRing(options: RedisKeyRingOptions): Promise<RedisKeyRing> {
  const { connection, log } = options;
  const client: RedisClient = connection.client;
  const clock = options.clock ?? Date.now;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const keysKey = `${prefix}ticket-keys`;
  const leaseKey = `${prefix}ticket-keys:lease`;
  const channel = `${prefix}ticket-keys`;
  const leaseMs = options.leaseMs ?? 15_000;
  const pollMs = options.pollMs ?? Math.max(100, Math.floor(leaseMs / 3));
  const settings: RotationSettings = {
    rotateEveryMs: options.rotateEveryMs,
    overlapMs: options.overlapMs,
    announceMs: 3 * pollMs,
  };
  // Redis forgets a set nobody has renewed for a long while (every instance gone).
  const setLifetimeMs = 2 * options.rotateEveryMs + options.overlapMs;
  const token = crypto.randomBytes(16).toString('hex');
  const core = new KeyRingCore(
    rotateKeys([], clock(), settings, generateTicketKey),
    options.overlapMs,
    clock,
  );
  let leader = false;
  let closed = false;

  const rotateLocally = (keys: readonly TicketKey[]): void => {
    core.replace(rotateKeys(keys, clock(), settings, generateTicketKey));
  };
  const becomeLeader = (held: boolean): void => {
    if (held && !leader) log({ event: 'ticket_key_lease_acquired', backend: 'redis', url: connection.url });
    leader = held;
  };

  // Redis unreachable: no lease can be held or renewed, so nobody here writes when it is back
  // until a round takes the lease again.
  const alone = (): void => {
    leader = false;
    rotateLocally(core.keys());
  };

  const round = async (): Promise<void> => {
    if (!connection.isUp()) return alone();
    const lease = await attempt(client.eval(LEASE, 1, leaseKey, token, leaseMs));
    if (!lease.ok) return alone();
    becomeLeader(lease.value === 1);
    const stored = await attempt(client.get(keysKey));
    if (!stored.ok) return alone();
    const remote = stored.value === null ? undefined : decodeTicketKeys(stored.value);
    const shared = remote?.ok ? remote.value : undefined;
    if (!leader) return shared !== undefined ? void core.replace(shared) : rotateLocally(core.keys());
    const base = shared ?? core.keys();
    const next = rotateKeys(base, clock(), settings, generateTicketKey);
    if (shared !== undefined && next === base) return void core.replace(next);
    const written = await attempt(
      client.eval(WRITE, 2, leaseKey, keysKey, token, encodeTicketKeys(next), channel, setLifetimeMs),
    );
    if (written.ok && written.value === 1) return void core.replace(next);
    // Lost the lease in between (or Redis went away): someone else writes; adopt at the next round.
    leader = false;
    if (shared !== undefined) core.replace(shared);
    else rotateLocally(core.keys());
  };

  // One round at a time; a request during a round runs one more right after it.
  let running: Promise<void> | undefined;
  let again = false;
  const sync = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await round().catch(() => {});
      } while (again && !closed);
      running = undefined;
    })();
    return running;
  };

  const timer = setInterval(() => void sync(), pollMs);
  timer.unref();
  const stopFollowing = connection.onUp(() => void sync());
  const sub = connection.subscriber();
  const onMessage = (from: string): void => {
    if (from === channel) void sync();
  };
  sub.on('message', onMessage);
  sub.subscribe(channel).catch(() => {});
  await sync();

  return {
    current: () => core.current(),
    byName: (name) => core.byName(name),
    keys: () => core.keys(),
    subscribe: (listener) => core.subscribe(listener),
    sync,
    isLeader: () => leader,
    async close() {
      closed = true;
      clearInterval(timer);
      stopFollowing();
      sub.off('message', onMessage);
      await running;
      if (leader && connection.isUp()) await attempt(client.eval(RELEASE, 1, leaseKey, token));
      leader = false;
    },
  };
}
