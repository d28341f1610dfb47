import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProcessMetrics, digest, MinuteHistory } from '../../../src/observe/metrics/index.ts';

const ok = (m: ReturnType<typeof createProcessMetrics>, version: string, n: number) => {
  for (let i = 0; i < n; i++)
    m.handshakeOk('l', 's', version, 'TLS_AES_128_GCM_SHA256', 'X25519', false, null, 0.001);
};

test('each minute’s bucket is what happened between two marks; the minute in progress comes last', () => {
  const m = createProcessMetrics();
  const history = new MinuteHistory(60);
  const t0 = Date.parse('2026-12-07T04:00:00Z');
  history.mark(t0, digest(m.snapshot()));
  ok(m, 'TLS1.3', 3);
  history.mark(t0 + 60_000, digest(m.snapshot()));
  ok(m, 'TLS1.2', 2);
  m.handshakeFailed('l', null, 'no_common_cipher');
  const now = digest(m.snapshot());
  const buckets = history.buckets(now, t0 + 90_000);
  assert.deepEqual(
    buckets.map((b) => [b.start, b.handshakes, b.versions, b.failures]),
    [
      ['2026-12-07T04:00:00.000Z', { ok: 3 }, { 'TLS1.3': 3 }, {}],
      ['2026-12-07T04:01:00.000Z', { ok: 2, failed: 1 }, { 'TLS1.2': 2 }, { no_common_cipher: 1 }],
    ],
  );
  // Fewer marks than the window: the totals are everything since the start.
  assert.deepEqual(history.window(now).handshakes, { ok: 5, failed: 1 });
});

test('the history keeps one hour: older marks fall out of the window', () => {
  const m = createProcessMetrics();
  const history = new MinuteHistory(3);
  for (let i = 0; i < 5; i++) {
    ok(m, 'TLS1.3', 1);
    history.mark(i * 60_000, digest(m.snapshot()));
  }
  const now = digest(m.snapshot());
  assert.equal(history.buckets(now, 5 * 60_000).length, 3); // 2 closed minutes + the one in progress
  assert.deepEqual(history.window(now).handshakes, { ok: 2 }); // since the oldest mark kept
});
