import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemorySessionStore } from '../../../src/state/index.ts';

const id = (n: number) => Uint8Array.of(n, n, n);
const data = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

function fakeClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test('stores and returns sessions by id; delete forgets', async () => {
  const store = createMemorySessionStore({ maxEntries: 10, ttlMs: 1000 });
  await store.set(id(1), data('one'));
  assert.equal(text(await store.get(id(1))), 'one');
  assert.equal(await store.get(id(2)), undefined);
  await store.delete(id(1));
  assert.equal(await store.get(id(1)), undefined);
});

test('keeps copies: later changes to the caller buffers do not leak in', async () => {
  const store = createMemorySessionStore({ maxEntries: 10, ttlMs: 1000 });
  const key = id(1);
  const value = data('abc');
  await store.set(key, value);
  key[0] = 9;
  value[0] = 0x7a;
  assert.equal(text(await store.get(id(1))), 'abc');
});

test('a session expires ttlMs after it was stored (reading does not extend it)', async () => {
  const clock = fakeClock();
  const store = createMemorySessionStore({ maxEntries: 10, ttlMs: 1000, clock: clock.now });
  await store.set(id(1), data('one'));
  clock.advance(999);
  assert.equal(text(await store.get(id(1))), 'one');
  clock.advance(1);
  assert.equal(await store.get(id(1)), undefined);
  assert.equal(store.size, 0, 'an expired entry is removed when met');
});

test('at most maxEntries: the least recently used goes first', async () => {
  const store = createMemorySessionStore({ maxEntries: 3, ttlMs: 60_000 });
  for (const n of [1, 2, 3]) await store.set(id(n), data(String(n)));
  await store.get(id(1)); // 1 is now the most recently used; 2 the least
  await store.set(id(4), data('4'));
  assert.equal(store.size, 3);
  assert.equal(await store.get(id(2)), undefined);
  for (const n of [1, 3, 4]) assert.equal(text(await store.get(id(n))), String(n));
  await store.set(id(3), data('3b')); // storing again refreshes too
  await store.set(id(5), data('5'));
  assert.equal(await store.get(id(1)), undefined);
  assert.equal(text(await store.get(id(3))), '3b');
});

test('storedSince lists live sessions stored from a moment on, oldest first', async () => {
  const clock = fakeClock();
  const store = createMemorySessionStore({ maxEntries: 10, ttlMs: 1000, clock: clock.now });
  await store.set(id(1), data('old'));
  clock.advance(500);
  const since = clock.now();
  await store.set(id(2), data('a'));
  clock.advance(100);
  await store.set(id(3), data('b'));
  assert.deepEqual(
    store.storedSince(since).map((s) => text(s.session)),
    ['a', 'b'],
  );
  clock.advance(950);
  assert.deepEqual(
    store.storedSince(0).map((s) => text(s.session)),
    ['b'],
  );
  const [entry] = store.storedSince(0);
  assert.equal(entry!.expiresAt - entry!.storedAt, 1000);
});
