// Keys in Redis are secrets: the state works as a least-privilege ACL user (the exact rule
// docs/resumption.md gives), with requirepass, and over rediss:// (TLS, verified against the CA
// given). Wrong credentials or an untrusted Redis certificate are one "down" event, and a miss.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  createMemorySessionStore,
  createRedisSessionStore,
  openRedisConnection,
  openRedisKeyRing,
  type RedisConnection,
  type RedisConnectionOptions,
} from '../../src/state/index.ts';
import { collectEvents } from '../helpers/log-events.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

// The rule from docs/resumption.md, word for word (the password aside).
const ACL_RULE =
  'on >PASSWORD resetkeys ~tlsterm:* resetchannels &tlsterm:* -@all +get +set +del +pexpire +eval +publish +subscribe +ping +info';

const tmp = makeTempDir('state-redis-acl');
const servers: RedisServer[] = [];
const connections: RedisConnection[] = [];
let pki: Pki;

before(async () => {
  pki = await makePki(tmp.dir);
});

after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.stop()));
  tmp.cleanup();
});

async function server(options: Parameters<typeof startRedis>[0] = {}): Promise<RedisServer> {
  const s = await startRedis(options);
  servers.push(s);
  return s;
}

async function connect(options: Omit<RedisConnectionOptions, 'log'>) {
  const events = collectEvents();
  const connection = await openRedisConnection({ ...options, log: events.log, maxReconnectDelayMs: 200 });
  connections.push(connection);
  return { connection, events };
}

/** Both halves of the state work over this connection: a session round trip and a key-ring lease. */
async function assertStateWorks(connection: RedisConnection, prefix = 'tlsterm:'): Promise<void> {
  assert.equal(connection.isUp(), true);
  const store = createRedisSessionStore({
    connection,
    local: createMemorySessionStore({ maxEntries: 10, ttlMs: 60_000 }),
    ttlMs: 60_000,
    prefix,
  });
  const id = crypto.randomBytes(32);
  await store.set(id, Buffer.from('secret-session'));
  // A handshake waits 50 ms for Redis at most; this checks the round trip, not that deadline (a
  // loaded CI machine missed it once).
  const other = createRedisSessionStore({
    connection,
    local: createMemorySessionStore({ maxEntries: 10, ttlMs: 60_000 }),
    ttlMs: 60_000,
    prefix,
    waitMs: 5_000,
  });
  assert.equal(Buffer.from((await other.get(id))!).toString(), 'secret-session');
  const ring = await openRedisKeyRing({
    connection,
    log: () => {},
    prefix,
    rotateEveryMs: 3_600_000,
    overlapMs: 300_000,
  });
  assert.equal(ring.isLeader(), true, 'lease taken and key set written (EVAL, SET, PUBLISH allowed)');
  await ring.close();
}

test('an ACL user with the documented rule runs everything; the same user cannot touch other keys', async () => {
  const redis = await server();
  const rule = ACL_RULE.replace('PASSWORD', 'user-pw').split(' ');
  assert.equal(await redis.cli(['ACL', 'SETUSER', 'tlsterm', ...rule]), 'OK');
  const { connection } = await connect({ url: redis.url('tlsterm', 'user-pw') });
  await assertStateWorks(connection);
  assert.equal(await redis.cli(['EXISTS', 'tlsterm:ticket-keys']), '1');
  await assert.rejects(connection.client.get('other:thing'), /NOPERM/);
  await assert.rejects(connection.client.flushall(), /NOPERM/);
});

test('requirepass: the password from the URL; a wrong one is one down event and misses', async () => {
  const redis = await server({ args: ['--requirepass', 'p@ss word'] });
  const good = await connect({ url: redis.url('', 'p@ss word') });
  await assertStateWorks(good.connection);

  const bad = await connect({ url: redis.url('', 'wrong') });
  const down = await bad.events.waitFor((e) => e.event === 'state_backend_down', 30_000);
  assert.match(String(down.error), /WRONGPASS|NOAUTH|invalid/i);
  assert.match(String(down.url), /:\*\*\*@/);
  assert.doesNotMatch(JSON.stringify(bad.events.events), /wrong|p@ss/);
  const store = createRedisSessionStore({
    connection: bad.connection,
    local: createMemorySessionStore({ maxEntries: 10, ttlMs: 60_000 }),
    ttlMs: 60_000,
  });
  assert.equal(await store.get(crypto.randomBytes(32)), undefined);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // several reconnection attempts
  assert.equal(bad.events.named('state_backend_down').length, 1);
});

test('rediss:// with an ACL user: TLS verified against the given CA; an untrusted server is down', async () => {
  const leaf = pki.chains.ec;
  const redis = await server({
    tls: { certPath: leaf.fullchainPath, keyPath: leaf.keyPath },
    args: ['--user', 'tlsterm', ...ACL_RULE.replace('PASSWORD', 'tls-pw').split(' ')],
  });
  assert.match(redis.url(), /^rediss:/);
  const trusted = await connect({
    url: redis.url('tlsterm', 'tls-pw'),
    tls: { ca: pki.rootPem, servername: 'localhost' },
  });
  await assertStateWorks(trusted.connection);

  const untrusted = await connect({ url: redis.url('tlsterm', 'tls-pw'), tls: { servername: 'localhost' } });
  const down = await untrusted.events.waitFor((e) => e.event === 'state_backend_down', 30_000);
  assert.match(String(down.error), /certificate/i);
  assert.equal(untrusted.connection.isUp(), false);
  assert.equal(path.isAbsolute(leaf.fullchainPath), true);
});
