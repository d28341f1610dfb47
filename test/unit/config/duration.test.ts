import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../../src/config/duration.ts';

test('parses the documented forms to milliseconds', () => {
  const cases: [unknown, number][] = [
    ['500ms', 500],
    ['10s', 10_000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['250', 250],
    [2500, 2500],
    [' 10S ', 10_000],
  ];
  for (const [input, ms] of cases)
    assert.deepEqual(parseDuration(input), { ok: true, value: ms }, String(input));
});

test('rejects everything else with a message that shows the forms', () => {
  for (const bad of ['10 seconds', '', 's', '-1s', '1d', -5, Number.NaN, null, true]) {
    const r = parseDuration(bad);
    assert.equal(r.ok, false, String(bad));
    if (!r.ok) assert.ok(r.error.length > 0);
  }
  const r = parseDuration('10 seconds');
  assert.equal(
    r.ok ? '' : r.error,
    `'10 seconds' is not a duration: write e.g. "500ms", "10s", "1m", "1m30s"`,
  );
});

test('formatDuration is the inverse for round values', () => {
  assert.equal(formatDuration(10_000), '10s');
  assert.equal(formatDuration(60_000), '1m');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(250), '250ms');
});
