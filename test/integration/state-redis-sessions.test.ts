// Sessions through a real Redis: what one store instance (one host) writes, another reads; Redis
// expires them with the session timeout; a TLS 1.2 session made on one server resumes on another
// whose only link to the first is Redis.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import type tls from 'node:tls';
import {
  attachSessionStore,
  createMemorySessionStore,
  createRedisSessionStore,
  openRedisConnection,
  type RedisConnection,
  type SessionStore,
} from '../../src/state/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { namedServer, startTlsFront, type TlsFront, tlsVisit } from '../helpers/tls-front.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let redis: RedisServer;
const connections: RedisConnection[] = [];
const fronts: TlsFront[] = [];
const tmp = makeTempDir('state-redis-sessions');

before(async () => {
  redis = await startRedis();
});

after(async () => {
  await Promise.all(fronts.map((f) => f.close()));
  await Promise.all(connections.map((c) => c.close()));
  await redis.stop();
  tmp.cleanup();
});

/** One "host": its own connection and its own local cache in front of the shared Redis. */
async function hostStore(ttlMs = 60_000): Promise<SessionStore> {
  const connection = await openRedisConnection({ url: redis.url(), log: () => {} });
  connections.push(connection);
  assert.equal(connection.isUp(), true);
  // These tests check what Redis carries between hosts, not the 50 ms a handshake waits for it at
  // most, which a loaded CI machine can miss.
  return createRedisSessionStore({
    connection,
    local: createMemorySessionStore({ maxEntries: 100, ttlMs }),
    ttlMs,
    waitMs: 5_000,
  });
}

const id = () => crypto.randomBytes(32);

test('a session written by one store instance is read by another; delete reaches both', async () => {
  const [a, b] = [await hostStore(), await hostStore()];
  const sessionId = id();
  await a.set(sessionId, Buffer.from('session-bytes'));
  assert.equal(Buffer.from((await b.get(sessionId))!).toString(), 'session-bytes');
  assert.equal(await b.get(id()), undefined);
  assert.match(await redis.cli(['PTTL', `tlsterm:session:${sessionId.toString('hex')}`]), /^[1-9]\d*$/);
  await a.delete(sessionId);
  const c = await hostStore();
  assert.equal(await c.get(sessionId), undefined);
});

test('Redis forgets a session after the session timeout', async () => {
  const a = await hostStore(1000);
  const sessionId = id();
  await a.set(sessionId, Buffer.from('short-lived'));
  const pttl = Number(await redis.cli(['PTTL', `tlsterm:session:${sessionId.toString('hex')}`]));
  assert.ok(pttl > 0 && pttl <= 1000, `PTTL ${pttl}`);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const b = await hostStore(1000);
  assert.equal(await b.get(sessionId), undefined);
});

test('TLS 1.2: a session made on host A resumes on host B through Redis', async () => {
  const pki = await makePki(tmp.dir);
  const options: tls.TlsOptions = {
    cert: pki.chains.ec.fullchainPem,
    key: pki.chains.ec.keyPem,
    sessionIdContext: 'site-1',
    secureOptions: crypto.constants.SSL_OP_NO_TICKET,
  };
  const a = namedServer('A', options);
  const b = namedServer('B', options);
  attachSessionStore(a, await hostStore());
  attachSessionStore(b, await hostStore());
  const fa = await startTlsFront(() => a);
  const fb = await startTlsFront(() => b);
  fronts.push(fa, fb);
  const keys = () => redis.cli(['KEYS', 'tlsterm:session:*']);
  const before = await keys();
  const first = await tlsVisit(fa.port, { ca: pki.rootPem, version: 'TLSv1.2' });
  assert.equal(first.reused, false);
  // The write to Redis is in the background of the handshake: wait until it is there.
  for (let i = 0; i < 200 && (await keys()) === before; i++) await new Promise((r) => setTimeout(r, 50));
  const onB = await tlsVisit(fb.port, { ca: pki.rootPem, version: 'TLSv1.2', session: first.session });
  assert.equal(onB.answer, 'B');
  assert.equal(onB.reused, true);
});
