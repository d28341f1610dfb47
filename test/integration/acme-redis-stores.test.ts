// The Redis backends of the ACME stores, against a real redis-server: order locks (one holder, only
// the holder extends or releases, an expired lock can be taken), challenge answers (expiring; a
// lookup never throws, even with Redis gone), and the shared certificates and account key.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createRedisChallengeStore,
  createRedisLockStore,
  createRedisSharedStore,
} from '../../src/certs/acme/index.ts';
import { openRedisConnection, type RedisConnection } from '../../src/state/index.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let redis: RedisServer;
const connections: RedisConnection[] = [];
const connect = async (): Promise<RedisConnection> => {
  const c = await openRedisConnection({ url: redis.url(), log: () => {} });
  connections.push(c);
  return c;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await redis.stop();
});

test('locks: one holder at a time; only the holder extends or releases; an expired lock can be taken', async () => {
  const [a, b] = [
    createRedisLockStore({ connection: await connect() }),
    createRedisLockStore({ connection: await connect() }),
  ];
  const held = await a.acquire('acme-order:l.test', 60_000);
  assert.ok(held);
  assert.equal(await b.acquire('acme-order:l.test', 60_000), undefined);
  const holder = await b.holder('acme-order:l.test');
  assert.equal(holder?.owner, held.owner);
  assert.ok(holder && holder.expiresAt.getTime() > Date.now() + 50_000);

  const forged = { ...held, token: 'not-the-token' };
  assert.equal(await b.extend(forged, 60_000), undefined);
  await b.release(forged);
  assert.ok(await a.holder('acme-order:l.test'), 'a wrong token releases nothing');
  assert.ok(await a.extend(held, 60_000));
  await a.release(held);
  assert.equal(await a.holder('acme-order:l.test'), undefined);

  const short = await a.acquire('acme-order:e.test', 200);
  assert.ok(short);
  await sleep(400);
  const taken = await b.acquire('acme-order:e.test', 60_000);
  assert.ok(taken, 'an expired lock is free');
  assert.equal(await a.extend(short, 60_000), undefined, 'the old holder lost it');
  await a.release(short);
  assert.equal((await b.holder('acme-order:e.test'))?.owner, taken.owner);
  assert.match(await redis.cli(['GET', 'tlsterm:acme:lock:acme-order:e.test']), /"token":/);
});

test('challenge answers expire, are deleted, and a lookup with Redis gone is a miss, not an error', async () => {
  const connection = await connect();
  const store = createRedisChallengeStore({ connection, prefix: 'test:' });
  await store.set('http-01:tok', 'tok.thumb', 60_000);
  assert.equal(await store.get('http-01:tok'), 'tok.thumb');
  assert.equal(await redis.cli(['GET', 'test:acme:challenge:http-01:tok']), 'tok.thumb');
  await store.set('http-01:short', 'x', 100);
  await sleep(300);
  assert.equal(await store.get('http-01:short'), undefined);
  await store.delete('http-01:tok');
  assert.equal(await store.get('http-01:tok'), undefined);

  await store.set('http-01:kept', 'v', 60_000);
  redis.freeze();
  try {
    assert.equal(await store.get('http-01:kept'), undefined);
  } finally {
    redis.thaw();
  }
});

test('shared store: the first account key wins; a published certificate is read back and announced', async () => {
  const [one, two] = [
    createRedisSharedStore({ connection: await connect() }),
    createRedisSharedStore({ connection: await connect() }),
  ];
  assert.equal(await one.accountKey('https://ca.test/dir', 'KEY-1'), 'KEY-1');
  assert.equal(await two.accountKey('https://ca.test/dir', 'KEY-2'), 'KEY-1');

  const heard: string[] = [];
  two.onCertificate((name) => heard.push(name));
  await sleep(200); // the subscription is made
  await one.putCertificate('s.test', { fullchainPem: 'CHAIN', keyPem: 'KEY' }, 60_000);
  assert.deepEqual(await two.getCertificate('s.test'), { fullchainPem: 'CHAIN', keyPem: 'KEY' });
  for (let i = 0; i < 50 && heard.length === 0; i++) await sleep(50);
  assert.deepEqual(heard, ['s.test']);
  assert.equal(await two.getCertificate('other.test'), undefined);
  const ttl = Number(await redis.cli(['PTTL', 'tlsterm:acme:certificate:s.test']));
  assert.ok(ttl > 50_000 && ttl <= 60_000, String(ttl));
});
