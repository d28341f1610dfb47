import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../../src/certs/acme/backoff.ts';

test('delays double from the base, with jitter in [d/2, d]', () => {
  const p = { baseMs: 1_000, capMs: 1_000_000 };
  assert.equal(
    backoffDelay(1, p, () => 1),
    1_000,
  );
  assert.equal(
    backoffDelay(1, p, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(2, p, () => 1),
    2_000,
  );
  assert.equal(
    backoffDelay(4, p, () => 1),
    8_000,
  );
  assert.equal(
    backoffDelay(4, p, () => 0.5),
    6_000,
  );
});

test('the cap bounds every delay, however many failures', () => {
  const p = { baseMs: 1_000, capMs: 60_000 };
  assert.equal(
    backoffDelay(30, p, () => 1),
    60_000,
  );
  assert.equal(
    backoffDelay(5_000, p, () => 1),
    60_000,
  );
  assert.equal(
    backoffDelay(5_000, DEFAULT_BACKOFF, () => 1),
    6 * 3_600_000,
  );
  assert.equal(
    backoffDelay(0, p, () => 1),
    1_000,
    'zero failures counts as one',
  );
});
