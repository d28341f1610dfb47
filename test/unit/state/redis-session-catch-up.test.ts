// The Redis session store's catch-up: a session stored locally while Redis is down is written to
// Redis when it is back, even when the clock ticks between the local store and the moment the store
// notices Redis is down (seen in CI: such a session was never replayed, and another host could not
// resume it). The connection is a fake; the clock ticks 1 ms on every read.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import {
  createMemorySessionStore,
  createRedisSessionStore,
  type RedisConnection,
} from '../../../src/state/index.ts';

const realNow = Date.now;
afterEach(() => {
  Date.now = realNow;
});

function fakeConnection(failWrites: () => boolean) {
  let up = true;
  const listeners = new Set<() => void>();
  const written = new Map<string, Buffer>();
  const client = {
    set: async (key: string, value: Buffer) => {
      if (failWrites()) throw new Error('connection lost');
      written.set(key, value);
      return 'OK';
    },
    getBuffer: async (key: string) => written.get(key) ?? null,
    del: async (key: string) => (written.delete(key) ? 1 : 0),
  };
  const connection = {
    client,
    url: 'redis://fake',
    isUp: () => up,
    onUp(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as RedisConnection;
  return {
    connection,
    written,
    setUp(value: boolean) {
      up = value;
      if (value) for (const l of [...listeners]) l();
    },
  };
}

const tickingClock = () => {
  let t = realNow();
  Date.now = () => ++t;
};

test('a session stored while Redis is down is written once it is back, whatever the clock did meanwhile', async () => {
  tickingClock();
  const fake = fakeConnection(() => false);
  const store = createRedisSessionStore({
    connection: fake.connection,
    local: createMemorySessionStore({ maxEntries: 10, ttlMs: 60_000 }),
    ttlMs: 60_000,
  });
  fake.setUp(false);
  await store.set(Buffer.from('id-down'), Buffer.from('during'));
  assert.equal(fake.written.size, 0);
  fake.setUp(true);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual([...fake.written.keys()], [`tlsterm:session:${Buffer.from('id-down').toString('hex')}`]);
  await store.close();
});

test('a session whose write failed (Redis went away under it) is written once Redis is back', async () => {
  tickingClock();
  let failing = true;
  const fake = fakeConnection(() => failing);
  const store = createRedisSessionStore({
    connection: fake.connection,
    local: createMemorySessionStore({ maxEntries: 10, ttlMs: 60_000 }),
    ttlMs: 60_000,
  });
  await store.set(Buffer.from('id-lost'), Buffer.from('lost'));
  assert.equal(fake.written.size, 0);
  failing = false;
  fake.setUp(false);
  fake.setUp(true);
  await new Promise((r) => setImmediate(r));
  assert.equal(fake.written.size, 1);
  await store.close();
});
