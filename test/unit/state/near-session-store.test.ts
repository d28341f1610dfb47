// nearSessionStore: the near store answers first; a far hit is copied near; writes go to both.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemorySessionStore, nearSessionStore } from '../../../src/state/index.ts';
import { countCalls } from '../../helpers/session-stores.ts';

const memory = () => createMemorySessionStore({ maxEntries: 10, ttlMs: 60_000 });
const id = new Uint8Array(32).fill(1);
const session = new Uint8Array([9, 9, 9]);

test('a near hit does not reach the far store; a far hit is kept near', async () => {
  const near = countCalls(memory());
  const far = countCalls(memory());
  const both = nearSessionStore(near.store, far.store);
  await far.store.set(id, session);
  assert.deepEqual(await both.get(id), session, 'found far');
  assert.equal(far.counts.get, 1);
  assert.deepEqual(await both.get(id), session, 'now near');
  assert.equal(far.counts.get, 1, 'far asked once');
  assert.equal(await both.get(new Uint8Array(32)), undefined, 'a miss in both is a miss');
});

test('writes, deletes and close reach both stores', async () => {
  const near = countCalls(memory());
  const far = countCalls(memory());
  const both = nearSessionStore(near.store, far.store);
  await both.set(id, session);
  assert.deepEqual(await far.store.get(id), session, 'another worker finds it far away');
  assert.deepEqual(await near.store.get(id), session);
  await both.delete(id);
  assert.equal(await both.get(id), undefined);
  await both.close();
  assert.deepEqual([near.counts.close, far.counts.close], [1, 1]);
});
