import assert from 'node:assert/strict';
import { test } from 'node:test';
import util from 'node:util';
import {
  createMemoryKeyRing,
  createReplicaKeyRing,
  generateTicketKey,
  type TicketKey,
  ticketKeyFrom,
} from '../../../src/state/index.ts';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function fakeClock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test('memory ring: issues under one key per period; older keys resume during the overlap only', async () => {
  const clock = fakeClock();
  const ring = createMemoryKeyRing({ rotateEveryMs: H, overlapMs: 10 * M, clock: clock.now, tickMs: 0 });
  const k1 = ring.current();
  assert.equal(ring.byName(k1.name), k1);
  clock.advance(H - 1);
  ring.tick();
  assert.equal(ring.current(), k1);
  clock.advance(1);
  ring.tick();
  const k2 = ring.current();
  assert.notEqual(k2.nameHex, k1.nameHex);
  assert.equal(ring.byName(k1.name), k1, 'K1 still decrypts right after the rotation');
  assert.equal(ring.byName(k1.nameHex.toUpperCase()), k1, 'by hex name too');
  clock.advance(10 * M - 1);
  assert.equal(ring.byName(k1.name), k1);
  clock.advance(1);
  assert.equal(ring.byName(k1.name), undefined, 'aged out, even before the next tick');
  ring.tick();
  assert.ok(!ring.keys().includes(k1));
  assert.equal(ring.current(), k2);
  await ring.close();
});

test('memory ring: subscribers hear about added and dropped keys, not about quiet ticks', async () => {
  const clock = fakeClock();
  const ring = createMemoryKeyRing({ rotateEveryMs: H, overlapMs: 10 * M, clock: clock.now, tickMs: 0 });
  const heard: number[] = [];
  const unsubscribe = ring.subscribe((keys) => heard.push(keys.length));
  assert.equal(ring.tick(), false);
  clock.advance(H);
  assert.equal(ring.tick(), true); // next key announced
  clock.advance(10 * M);
  assert.equal(ring.tick(), true); // K1 dropped
  unsubscribe();
  clock.advance(H);
  ring.tick();
  assert.deepEqual(heard, [3, 2]);
  await ring.close();
});

test('memory ring: its own timer rotates (tickMs)', async () => {
  const clock = fakeClock();
  const ring = createMemoryKeyRing({ rotateEveryMs: H, overlapMs: M, clock: clock.now, tickMs: 10 });
  const first = ring.current();
  clock.advance(H);
  const changed = await new Promise<readonly TicketKey[]>((resolve) => ring.subscribe(resolve));
  assert.equal(changed.length, 3);
  assert.notEqual(ring.current(), first);
  await ring.close();
});

test('replica ring: follows the set it is given; keys it issued under stay decrypt-only for the overlap', async () => {
  const clock = fakeClock();
  const leader = createMemoryKeyRing({ rotateEveryMs: H, overlapMs: 10 * M, clock: clock.now, tickMs: 0 });
  const stray = [generateTicketKey(T0 - H), generateTicketKey(T0 + H)];
  const replica = createReplicaKeyRing(stray, { overlapMs: 10 * M, clock: clock.now });
  const mine = replica.current();
  assert.equal(mine, stray[0]);
  const heard: number[] = [];
  replica.subscribe((keys) => heard.push(keys.length));
  assert.equal(replica.apply(leader.keys()), true);
  assert.equal(replica.apply(leader.keys()), false, 'the same set again changes nothing');
  assert.deepEqual(heard, [2]);
  assert.equal(replica.current(), leader.current());
  assert.equal(replica.byName(mine.name), mine, 'the key it issued under still decrypts');
  assert.equal(replica.byName(stray[1]!.name), stray[1], 'so does its announced one');
  clock.advance(10 * M);
  assert.equal(replica.byName(mine.name), undefined, 'for the overlap only');
  // At the leader's rotation the replica switches on its own clock, before any new set arrives.
  clock.advance(H - 10 * M);
  assert.equal(replica.current(), leader.keys()[1]);
  await leader.close();
});

test('a key shows its name and activation but never its material', () => {
  const key = ticketKeyFrom(Buffer.alloc(48, 0x5a), T0)!;
  assert.equal(key.material.length, 48);
  assert.equal(key.nameHex, '5a'.repeat(16));
  assert.doesNotMatch(JSON.stringify({ key }), /WlpaWlpa|"material"/);
  assert.doesNotMatch(util.inspect(key), /material/);
  assert.equal(ticketKeyFrom(Buffer.alloc(47), T0), undefined);
  assert.throws(() => createReplicaKeyRing([], { overlapMs: 0 }), RangeError);
});
