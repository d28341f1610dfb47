import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  currentIndex,
  expiresAt,
  findKey,
  generateTicketKey,
  type RotationSettings,
  rotateKeys,
  type TicketKey,
} from '../../../src/state/index.ts';

const H = 3_600_000;
const M = 60_000;
const settings: RotationSettings = { rotateEveryMs: H, overlapMs: 5 * M, announceMs: 0 };
const T0 = Date.UTC(2026, 0, 1);

const run = (keys: readonly TicketKey[], now: number, s: RotationSettings = settings) =>
  rotateKeys(keys, now, s, generateTicketKey);
const activations = (keys: readonly TicketKey[]) => keys.map((k) => k.activeAt - T0);

test('from nothing: a key issuing now and the next one announced a period ahead', () => {
  const keys = run([], T0);
  assert.deepEqual(activations(keys), [0, H]);
  assert.equal(currentIndex(keys, T0), 0);
  assert.equal(currentIndex(keys, T0 + H - 1), 0);
  assert.equal(currentIndex(keys, T0 + H), 1, 'the announced key issues from its activation on');
});

test('nothing to do returns the same array', () => {
  const keys = run([], T0);
  assert.equal(run(keys, T0 + 10 * M), keys);
});

test('at the rotation the next key is announced; the old one decrypts for the overlap, then is dropped', () => {
  const k1 = run([], T0);
  const k2 = run(k1, T0 + H);
  assert.deepEqual(activations(k2), [0, H, 2 * H]);
  const [old] = k2;
  assert.equal(expiresAt(k2, 0, settings.overlapMs), T0 + H + 5 * M);
  assert.equal(findKey(k2, old!.nameHex, T0 + H + 5 * M - 1, settings.overlapMs), old);
  assert.equal(findKey(k2, old!.nameHex, T0 + H + 5 * M, settings.overlapMs), undefined);
  const k3 = run(k2, T0 + H + 5 * M);
  assert.deepEqual(activations(k3), [H, 2 * H]);
  assert.equal(k3[0], k2[1], 'kept keys are the same objects');
});

test('pending keys decrypt (a host that already switched may issue under them); unknown names do not', () => {
  const keys = run([], T0);
  assert.equal(findKey(keys, keys[1]!.nameHex, T0, settings.overlapMs), keys[1]);
  assert.equal(findKey(keys, '00'.repeat(16), T0, settings.overlapMs), undefined);
});

test('a long overlap keeps several old keys', () => {
  const long = { ...settings, overlapMs: 3 * H };
  let keys = run([], T0, long);
  for (let h = 1; h <= 6; h++) keys = run(keys, T0 + h * H, long);
  // At 6h: keys active at 3h..6h still decrypt (3h's successor came at 4h, +3h = 7h), 7h is announced.
  assert.deepEqual(activations(keys), [3 * H, 4 * H, 5 * H, 6 * H, 7 * H]);
  assert.equal(keys[currentIndex(keys, T0 + 6 * H)]!.activeAt, T0 + 6 * H);
});

test('after a gap longer than the period the next key is announced ahead, not back-dated', () => {
  const s = { ...settings, announceMs: 30_000 };
  const keys = run([], T0, s);
  // Nobody ran the schedule between 0 and 5h: the key announced for 1h has been issuing since then.
  const late = run(keys, T0 + 5 * H, s);
  assert.deepEqual(activations(late), [H, 5 * H + 30_000]);
  assert.equal(late[0], keys[1]);
  assert.equal(late[currentIndex(late, T0 + 5 * H)], keys[1]);
  // In one process (announceMs 0) the late key takes over at once.
  assert.deepEqual(activations(run(keys, T0 + 5 * H)), [H, 5 * H]);
});

test('the newest key never ages out by itself; a set of only future keys gets one issuing now', () => {
  const lone = [generateTicketKey(T0 + H)];
  const later = run(lone, T0 + 50 * H);
  assert.equal(later[0], lone[0]);
  const early = run(lone, T0);
  assert.deepEqual(activations(early), [0, H]);
  assert.equal(early[1], lone[0]);
});

test('unsorted input is sorted', () => {
  const keys = run([], T0);
  const swapped = [keys[1]!, keys[0]!];
  assert.deepEqual(activations(run(swapped, T0)), [0, H]);
  assert.equal(currentIndex([], T0), -1);
});
