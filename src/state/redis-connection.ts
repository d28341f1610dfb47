// One Redis client for the shared TLS state, made from a redis:// or rediss:// URL, tuned so Redis
// can never hold a handshake up: commands fail at once while disconnected (no offline queue, no
// retries of in-flight commands), every command is bounded, and reconnection goes on forever in
// the background. Its availability is logged once per change: `state_backend_down` when it is
// lost (or cannot be reached at start), `state_backend_up` when it is back.
//
// ioredis is imported when a connection is opened, so a process without Redis state never loads it.

import net from 'node:net';
import type tls from 'node:tls';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { Errors, TlstermError } from '../errors.ts';
import type { Logger } from '../observe/index.ts';
import { parseRedisUrl } from './redis-url.ts';
import type { RedisTopology } from './settings.ts';

export type { RedisClient };

export interface RedisConnectionOptions {
  /** redis://[user:password@]host[:port][/db] or rediss://… for TLS. */
  readonly url: string;
  readonly log: Logger;
  /** TLS settings for rediss:// (e.g. `ca` with a private CA's PEM, `servername`). */
  readonly tls?: tls.ConnectionOptions;
  /** Bound on connecting (TCP + TLS + AUTH); default 2000 ms. */
  readonly connectTimeoutMs?: number;
  /** Bound on any one command; default 1000 ms. The handshake path waits far less (its own deadline). */
  readonly commandTimeoutMs?: number;
  /** How long opening waits for Redis before going on with local state; default 1000 ms. */
  readonly startWaitMs?: number;
  /** Most time between reconnection attempts; default 2000 ms. */
  readonly maxReconnectDelayMs?: number;
  /** Sentinel or Cluster: where the servers are; `url` then gives credentials, db and TLS only. */
  readonly topology?: RedisTopology;
}

const nodeList = (nodes: readonly { host: string; port: number }[]): string =>
  nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');

export interface RedisConnection {
  readonly client: RedisClient;
  /** The URL with its password masked. */
  readonly url: string;
  /** Connected and ready for commands. */
  isUp(): boolean;
  /** Called each time the connection is (re)established after being down. Returns unsubscribe. */
  onUp(listener: () => void): () => void;
  /** A second connection for SUBSCRIBE (a subscribed connection runs no other commands). */
  subscriber(): RedisClient;
  close(): Promise<void>;
}

/** Opens (or starts trying to open) a connection. Throws TlstermError only for an unusable URL. */
export async function openRedisConnection(options: RedisConnectionOptions): Promise<RedisConnection> {
  const endpoint = parseRedisUrl(options.url);
  if (!endpoint.ok) throw new TlstermError(Errors.stateRedisUrl(endpoint.error));
  const { host, port, username, password, db } = endpoint.value;
  const topology = options.topology;
  const redacted =
    topology?.kind === 'sentinel'
      ? `sentinel://${topology.name}@${nodeList(topology.sentinels)}`
      : topology?.kind === 'cluster'
        ? `cluster://${nodeList(topology.nodes)}`
        : endpoint.value.redacted;
  const { Redis, Cluster } = await import('ioredis');
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const base: RedisOptions = {
    host,
    port,
    db,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    // SNI only for names (RFC 6066 forbids IP addresses there); Node verifies an IP host either way.
    ...(endpoint.value.tls
      ? { tls: { ...(net.isIP(host) ? {} : { servername: host }), ...options.tls } }
      : {}),
    connectTimeout: options.connectTimeoutMs ?? 2000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
    // No CLIENT SETINFO: the least-privilege ACL user (docs/resumption.md) has no CLIENT command.
    disableClientInfo: true,
    lazyConnect: true,
  };
  const strict: RedisOptions = {
    commandTimeout: options.commandTimeoutMs ?? 1000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
  // Sentinel: ioredis asks the sentinels for the master of `name` on every (re)connection, so a
  // failover is a reconnection. Cluster: the client follows MOVED/ASK; it has the same command
  // surface as a single-server client (ioredis's Commander), which is all the stores use.
  const make = (extra: RedisOptions, subscriber: boolean): RedisClient => {
    if (topology?.kind === 'cluster')
      return new Cluster(
        topology.nodes.map((n) => ({ host: n.host, port: n.port })),
        {
          redisOptions: { ...base, ...extra },
          lazyConnect: extra.lazyConnect ?? true,
          enableOfflineQueue: subscriber,
          clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
        },
      ) as unknown as RedisClient;
    if (topology?.kind === 'sentinel')
      return new Redis({
        ...base,
        ...extra,
        sentinels: topology.sentinels.map((n) => ({ host: n.host, port: n.port })),
        name: topology.name,
        // rediss://: TLS to the master (ioredis drops `tls` in sentinel mode without this); the
        // sentinels themselves are asked in plain text.
        ...(base.tls ? { enableTLSForSentinelMode: true } : {}),
        sentinelRetryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
      });
    return new Redis({ ...base, ...extra });
  };
  const client = make(strict, false);
  const log = options.log;
  const upListeners = new Set<() => void>();
  let up = false;
  let downSince: number | undefined;
  let closing = false;
  const down = (why: string): void => {
    if (closing || downSince !== undefined) return;
    downSince = Date.now();
    log({ event: 'state_backend_down', backend: 'redis', url: redacted, error: why });
  };
  const markUp = (): void => {
    up = true;
    if (downSince !== undefined) {
      log({ event: 'state_backend_up', backend: 'redis', url: redacted, down_ms: Date.now() - downSince });
      downSince = undefined;
    }
    for (const listener of [...upListeners]) listener();
  };
  // Up means a PING was answered, not merely ioredis's 'ready' (which can follow an AUTH failure it
  // reported only as an 'error'). A refused PING (wrong password, disabled user) counts as down and
  // the connection is retried with back-off, so fixing the ACL brings it back without a restart.
  client.on('ready', () => {
    client.ping().then(markUp, (err: Error) => {
      down(err.message);
      if (!closing) client.disconnect(true);
    });
  });
  client.on('error', (err: Error) => {
    if (!up) down(err.message);
  });
  client.on('close', () => {
    if (!up) return;
    up = false;
    down('connection lost');
  });

  let sub: RedisClient | undefined;
  const ready = new Promise<void>((resolve) => {
    const done = () => {
      upListeners.delete(done);
      resolve();
    };
    upListeners.add(done);
    setTimeout(done, options.startWaitMs ?? 1000).unref();
  });
  client.connect().catch(() => {}); // failures arrive as 'error' events; reconnection goes on
  await ready;
  return {
    client,
    url: redacted,
    isUp: () => up && client.status === 'ready',
    onUp(listener) {
      upListeners.add(listener);
      return () => upListeners.delete(listener);
    },
    subscriber() {
      if (sub === undefined) {
        // Subscriptions are queued until connected and renewed on every reconnection.
        sub = make({ lazyConnect: false, enableOfflineQueue: true, autoResubscribe: true }, true);
        sub.on('error', () => {}); // the main connection reports availability
      }
      return sub;
    },
    async close() {
      closing = true;
      upListeners.clear();
      client.disconnect();
      sub?.disconnect();
    },
  };
}
