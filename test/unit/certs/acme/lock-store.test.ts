import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  createFileLockStore,
  createMemoryLockStore,
  type LockStore,
} from '../../../../src/certs/acme/lock-store.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

const tmp = makeTempDir('lock-store');
after(() => tmp.cleanup());
let n = 0;

for (const [kind, make] of [
  ['memory', (now: () => number) => createMemoryLockStore(now)],
  ['file', (now: () => number) => createFileLockStore(path.join(tmp.dir, `locks-${n++}`), now)],
] as const) {
  test(`${kind} locks: exclusive until released or expired`, async () => {
    let clock = 10_000;
    const store: LockStore = make(() => clock);
    const a = await store.acquire('acme-order:a.test', 1_000);
    assert.ok(a);
    assert.equal(await store.acquire('acme-order:a.test', 1_000), undefined, 'held');
    assert.ok(await store.acquire('acme-order:b.test', 1_000), 'other names are independent');
    assert.equal((await store.holder('acme-order:a.test'))?.owner, a.owner);
    await store.release(a);
    assert.equal(await store.holder('acme-order:a.test'), undefined);
    const b = await store.acquire('acme-order:a.test', 1_000);
    assert.ok(b, 'free again after release');

    clock += 1_001;
    const c = await store.acquire('acme-order:a.test', 1_000);
    assert.ok(c, 'an expired lock is taken over');
    assert.equal(await store.extend(b, 1_000), undefined, 'the old holder lost it');
    await store.release(b);
    assert.equal(
      (await store.holder('acme-order:a.test'))?.owner,
      c.owner,
      "a lost lock's release is a no-op",
    );

    const extended = await store.extend(c, 5_000);
    assert.ok(extended);
    clock += 2_000;
    assert.equal(await store.acquire('acme-order:a.test', 1_000), undefined, 'extended');
  });
}

test('file locks: of many concurrent acquires exactly one wins', async () => {
  const dir = path.join(tmp.dir, 'race');
  const stores = Array.from({ length: 8 }, () => createFileLockStore(dir));
  const results = await Promise.all(stores.map((s) => s.acquire('acme-order:race.test', 60_000)));
  assert.equal(results.filter(Boolean).length, 1);
  assert.deepEqual(fs.readdirSync(dir), ['acme-order%3Arace.test.lock'], 'no temp files left behind');
});

test('file locks: of many concurrent takeovers of an expired lock exactly one wins', async () => {
  const dir = path.join(tmp.dir, 'takeover');
  let clock = 0;
  const first = await createFileLockStore(dir, () => clock).acquire('x', 100);
  assert.ok(first);
  clock = 1_000;
  const stores = Array.from({ length: 8 }, () => createFileLockStore(dir, () => clock));
  const results = await Promise.all(stores.map((s) => s.acquire('x', 60_000)));
  assert.equal(results.filter(Boolean).length, 1);
});

test('file locks: garbage in a lock file counts as expired', async () => {
  const dir = path.join(tmp.dir, 'garbage');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'x.lock'), 'not json');
  assert.ok(await createFileLockStore(dir).acquire('x', 1_000));
});
