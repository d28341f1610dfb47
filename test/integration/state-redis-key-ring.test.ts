// Ticket keys through a real Redis: one ring holds the lease and writes, the other follows; the
// follower sees rotations through SUBSCRIBE (its own polling is set far beyond the test), the
// lease moves when the leader leaves, and a mangled key set in Redis is replaced, not obeyed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  decodeTicketKeys,
  openRedisConnection,
  openRedisKeyRing,
  type RedisConnection,
  type RedisKeyRing,
  type TicketKey,
} from '../../src/state/index.ts';
import { collectEvents } from '../helpers/log-events.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

const H = 3_600_000;
const M = 60_000;
let redis: RedisServer;
const connections: RedisConnection[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await redis.stop();
});

const names = (keys: readonly TicketKey[]) => keys.map((k) => k.nameHex).join(',');

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function ring(prefix: string, clock: () => number, log = collectEvents().log): Promise<RedisKeyRing> {
  const connection = await openRedisConnection({ url: redis.url(), log });
  connections.push(connection);
  // pollMs of an hour: whatever the follower learns in this test, it learns by SUBSCRIBE.
  return openRedisKeyRing({
    connection,
    log,
    prefix,
    clock,
    rotateEveryMs: H,
    overlapMs: 10 * M,
    pollMs: H,
    leaseMs: 2 * H,
  });
}

test('one leader writes, the follower adopts its keys and sees each rotation', async () => {
  let now = Date.UTC(2026, 0, 1);
  const clock = () => now;
  const events = collectEvents();
  const leader = await ring('t1:', clock, events.log);
  const follower = await ring('t1:', clock);
  assert.equal(leader.isLeader(), true);
  assert.equal(follower.isLeader(), false);
  assert.equal(events.named('ticket_key_lease_acquired').length, 1);
  assert.equal(names(follower.keys()), names(leader.keys()));
  assert.equal(follower.current().nameHex, leader.current().nameHex);
  const stored = decodeTicketKeys(await redis.cli(['GET', 't1:ticket-keys']));
  assert.ok(stored.ok);
  assert.equal(names(stored.value), names(leader.keys()));
  assert.ok(stored.value.every((k, i) => k.material.equals(leader.keys()[i]!.material)));

  const k1 = leader.current();
  const seen: string[] = [];
  follower.subscribe((keys) => seen.push(names(keys)));
  now += H;
  await leader.sync();
  const k2 = leader.current();
  assert.notEqual(k2.nameHex, k1.nameHex);
  assert.equal(leader.keys().length, 3);
  await until(() => names(follower.keys()) === names(leader.keys()), 'the follower to see the rotation');
  assert.equal(follower.current().nameHex, k2.nameHex);
  assert.equal(follower.byName(k1.name)?.nameHex, k1.nameHex, 'K1 still decrypts on the follower');
  assert.equal(seen.length, 1);

  now += 10 * M;
  await leader.sync();
  await until(() => follower.keys().length === 2, 'the follower to drop K1');
  assert.equal(follower.byName(k1.name), undefined);
  await leader.close();
  await follower.close();
});

test('when the leader leaves, the follower takes the lease and keeps the same keys', async () => {
  let now = Date.UTC(2026, 0, 1);
  const events = collectEvents();
  const leader = await ring('t2:', () => now);
  const follower = await ring('t2:', () => now, events.log);
  const before = names(leader.keys());
  await leader.close(); // releases the lease
  assert.equal(await redis.cli(['EXISTS', 't2:ticket-keys:lease']), '0');
  await follower.sync();
  assert.equal(follower.isLeader(), true);
  assert.equal(events.named('ticket_key_lease_acquired').length, 1);
  assert.equal(names(follower.keys()), before, 'no new keys: tickets from the old leader still resume');
  now += H;
  await follower.sync();
  assert.equal(follower.keys().length, 3, 'and it rotates from now on');
  await follower.close();
});

test('a key set in Redis that does not parse is replaced by the leader; the follower ignores it meanwhile', async () => {
  const now = Date.UTC(2026, 0, 1);
  const leader = await ring('t3:', () => now);
  const follower = await ring('t3:', () => now);
  const good = names(leader.keys());
  assert.equal(await redis.cli(['SET', 't3:ticket-keys', 'not json']), 'OK');
  await follower.sync();
  assert.equal(names(follower.keys()), good, 'the follower keeps what it had');
  await leader.sync();
  const stored = decodeTicketKeys(await redis.cli(['GET', 't3:ticket-keys']));
  assert.ok(stored.ok, 'the leader wrote a valid set back');
  assert.equal(names(stored.value), good);
  await leader.close();
  await follower.close();
});
