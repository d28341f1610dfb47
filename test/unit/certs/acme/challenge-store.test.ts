import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  type ChallengeStore,
  createFileChallengeStore,
  createMemoryChallengeStore,
} from '../../../../src/certs/acme/challenge-store.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

const tmp = makeTempDir('challenge-store');
after(() => tmp.cleanup());

for (const [kind, make] of [
  ['memory', (now: () => number) => createMemoryChallengeStore(now)],
  ['file', (now: () => number) => createFileChallengeStore(path.join(tmp.dir, 'challenges'), now)],
] as const) {
  test(`${kind} store: set, get, delete, and expiry`, async () => {
    let clock = 1_000;
    const store: ChallengeStore = make(() => clock);
    await store.set('http-01:tok_en-1', 'tok_en-1.thumb', 500);
    assert.equal(await store.get('http-01:tok_en-1'), 'tok_en-1.thumb');
    assert.equal(await store.get('http-01:other'), undefined);
    clock += 499;
    assert.equal(await store.get('http-01:tok_en-1'), 'tok_en-1.thumb');
    clock += 1;
    assert.equal(await store.get('http-01:tok_en-1'), undefined, 'expired');
    await store.set('tls-alpn-01:a.test', '{"certPem":"x"}', 1_000);
    await store.delete('tls-alpn-01:a.test');
    assert.equal(await store.get('tls-alpn-01:a.test'), undefined);
    await store.delete('never-there');
  });
}

test('file store: one 0600 file per entry, shared by two store objects (manager and data plane)', async () => {
  const dir = path.join(tmp.dir, 'shared');
  const writer = createFileChallengeStore(dir);
  const reader = createFileChallengeStore(dir);
  await writer.set('http-01:abc', 'abc.xyz', 60_000);
  assert.equal(await reader.get('http-01:abc'), 'abc.xyz');
  const files = fs.readdirSync(dir);
  assert.deepEqual(files, ['http-01%3Aabc.json']);
  assert.equal(fs.statSync(path.join(dir, files[0] ?? '')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  // Keys cannot walk out of the directory.
  await writer.set('../../escape', 'v', 60_000);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['%2E.%2F..%2Fescape.json', 'http-01%3Aabc.json']);
  assert.equal(await reader.get('../../escape'), 'v');
  assert.equal(await reader.get(''), undefined);
  fs.writeFileSync(path.join(dir, 'http-01%3Abroken.json'), '{not json');
  assert.equal(await reader.get('http-01:broken'), undefined);
});
