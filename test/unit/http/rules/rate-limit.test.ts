// The token bucket: burst, refill, Retry-After, bounded keys, and what siblings took.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  RateLimiter,
  type RateTaken,
  registerLimiter,
  SYNC_MS,
  startRateSync,
} from '../../../../src/http/rules/index.ts';

const spec = { header: null, perSecond: 2, burst: 3, status: 429, maxKeys: 3 };

test('burst, then one token per 1/rate seconds; Retry-After rounds up; one log a second', () => {
  const l = new RateLimiter('s', spec);
  for (let i = 0; i < 3; i++) assert.equal(l.take('a', 0), null);
  const r = l.take('a', 0);
  assert.deepEqual(r, { retryAfter: 1, log: true });
  assert.equal(l.take('a', 100)?.log, false, 'logged once a second');
  assert.equal(l.take('a', 500), null, 'a token back after 500 ms at 2/s');
  assert.notEqual(l.take('a', 600), null);
  assert.equal(l.take('b', 600), null, 'keys are independent');
});

test('what a sibling took is subtracted; pending is reported once', () => {
  const l = new RateLimiter('s', spec);
  l.take('a', 0);
  l.take('a', 0);
  assert.deepEqual(l.takePending(), [['a', 2]]);
  assert.deepEqual(l.takePending(), []);
  l.applyRemote('a', 5, 0);
  assert.notEqual(l.take('a', 0), null, 'the sibling took the rest');
  assert.notEqual(l.take('a', 1500), null, 'still below one token');
  assert.equal(l.take('a', 2000), null, 'refills from below zero (clamped at -burst)');
});

test('at most maxKeys buckets, least recently used out', () => {
  const l = new RateLimiter('s', spec);
  for (const k of ['a', 'b', 'c']) l.take(k, 0);
  l.take('a', 1);
  l.take('d', 2);
  assert.equal(l.size, 3);
  // b was the least recently used: it comes back full.
  for (let i = 0; i < 3; i++) assert.equal(l.take('b', 3), null);
});

test('a sync replaced by a later one (single_process: the next generation) is not stopped by the old one’s stop', async () => {
  const l = new RateLimiter('sync-replace', spec);
  registerLimiter(l);
  const heardOld: RateTaken[] = [];
  const heardNew: RateTaken[] = [];
  const stopOld = startRateSync((t) => heardOld.push(t));
  const stopNew = startRateSync((t) => heardNew.push(t));
  stopOld();
  l.take('a', performance.now());
  await new Promise((r) => setTimeout(r, SYNC_MS * 3));
  stopNew();
  assert.deepEqual(heardOld, []);
  assert.deepEqual(heardNew, [[['sync-replace', 'a', 1]]]);
});
