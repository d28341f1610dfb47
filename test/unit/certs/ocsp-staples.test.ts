// When a response is fetched again (half its window, at least an hour before nextUpdate, never
// sooner than the floor), and that a held staple is not served past its nextUpdate.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { createOcspStaples, refreshTime } from '../../../src/certs/ocsp/index.ts';

const HOUR = 3_600_000;

test('refresh at half the window, at least an hour before nextUpdate, not sooner than the floor', () => {
  const now = 1_000_000_000_000;
  // A 7-day window fetched now: half way, 3.5 days on.
  assert.equal(refreshTime({ thisUpdate: now, nextUpdate: now + 168 * HOUR }, now, 60_000), now + 84 * HOUR);
  // A 3-hour window: half way (1.5 h) comes before an hour ahead of its end (2 h).
  assert.equal(refreshTime({ thisUpdate: now, nextUpdate: now + 3 * HOUR }, now, 60_000), now + 1.5 * HOUR);
  // A 90-minute window: an hour before its end (30 min) comes before half way (45 min).
  assert.equal(refreshTime({ thisUpdate: now, nextUpdate: now + 1.5 * HOUR }, now, 60_000), now + 0.5 * HOUR);
  // Already due (an old response from disk): the floor.
  assert.equal(
    refreshTime({ thisUpdate: now - 10 * HOUR, nextUpdate: now + HOUR / 2 }, now, 60_000),
    now + 60_000,
  );
});

test('a staple is served by the certificate it was fetched for, and not past its nextUpdate', () => {
  let now = 5_000;
  const staples = createOcspStaples(() => now);
  const cert = crypto.randomBytes(300);
  const fp = crypto.createHash('sha256').update(cert).digest('hex');
  assert.equal(staples.lookup(cert), undefined);
  staples.put(fp, Uint8Array.of(1, 2, 3), 10_000);
  assert.deepEqual([...(staples.lookup(cert) ?? [])], [1, 2, 3]);
  assert.equal(staples.lookup(crypto.randomBytes(300)), undefined);
  now = 10_000;
  assert.equal(staples.lookup(cert), undefined);
  staples.put(fp, Uint8Array.of(4), 20_000);
  assert.deepEqual([...(staples.lookup(cert) ?? [])], [4]);
  staples.put(fp, undefined, 0);
  assert.equal(staples.lookup(cert), undefined);
});
