import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tapAcmeOrders } from '../../../src/observe/metrics/acme-tap.ts';
import { aggregateShares, createProcessMetrics, digest } from '../../../src/observe/metrics/index.ts';

test('two workers’ shares add up in one exposition, with reason only on failures', async () => {
  const a = createProcessMetrics();
  const b = createProcessMetrics();
  a.handshakeOk('main', 'app', 'TLS1.3', 'TLS_AES_128_GCM_SHA256', 'X25519MLKEM768', true, null, 0.004);
  b.handshakeOk('main', 'app', 'TLS1.3', 'TLS_AES_128_GCM_SHA256', 'X25519MLKEM768', true, 'ticket', 0.002);
  b.handshakeFailed('main', null, 'no_common_cipher');
  const req = a.siteRequests('app', 'http://127.0.0.1:9000');
  req.request(200);
  req.request(503);
  req.upstreamError('ECONNREFUSED');
  const { text, json } = await aggregateShares([a.snapshot(), b.snapshot()]);
  assert.match(
    text,
    /^tlsterm_handshakes_total\{listener="main",site="app",version="TLS1.3",suite="TLS_AES_128_GCM_SHA256",group="X25519MLKEM768",result="ok"\} 2$/m,
  );
  assert.match(
    text,
    /^tlsterm_handshakes_total\{listener="main",reason="no_common_cipher",result="failed"\} 1$/m,
  );
  assert.match(text, /^tlsterm_handshake_pq_total\{listener="main",site="app",group="X25519MLKEM768"\} 2$/m);
  assert.match(text, /^tlsterm_resumptions_total\{listener="main",kind="ticket"\} 1$/m);
  assert.match(text, /^tlsterm_handshake_duration_seconds_bucket\{listener="main",le="0.0025"\} 1$/m);
  assert.match(text, /^tlsterm_handshake_duration_seconds_bucket\{listener="main",le="\+Inf"\} 2$/m);
  assert.match(text, /^tlsterm_handshake_duration_seconds_count\{listener="main"\} 2$/m);
  assert.match(
    text,
    /^tlsterm_requests_total\{site="app",status_class="5xx",upstream="http:\/\/127.0.0.1:9000"\} 1$/m,
  );
  assert.match(text, /^tlsterm_upstream_errors_total\{site="app",kind="ECONNREFUSED"\} 1$/m);
  assert.match(text, /^# TYPE tlsterm_handshake_duration_seconds histogram$/m);
  const t = digest(json);
  assert.deepEqual(t.handshakes, { ok: 2, failed: 1 });
  assert.deepEqual(t.failures, { no_common_cipher: 1 });
  assert.equal(t.pq, 2);
  assert.deepEqual(t.requests, { '2xx': 1, '5xx': 1 });
});

test('gauges come from collectors at scrape time and are folded by max, not summed', async () => {
  const a = createProcessMetrics();
  const b = createProcessMetrics();
  for (const m of [a, b])
    m.addCollector((emit) =>
      emit('certificateNotAfter', { site: 'app', serial: '01', key_type: 'ec' }, 1_900_000_000),
    );
  const closeA = a.connectionOpened('main', 'h2');
  b.connectionOpened('main', 'h2');
  closeA();
  closeA(); // counted once
  const { text } = await aggregateShares([a.snapshot(), b.snapshot()]);
  assert.match(
    text,
    /^tlsterm_certificate_not_after_seconds\{site="app",serial="01",key_type="ec"\} 1900000000$/m,
  );
  assert.match(text, /^tlsterm_connections_open\{listener="main",protocol="h2"\} 1$/m);
  assert.match(text, /^tlsterm_worker_restarts_total 0$/m);
});

test('tlsterm_acme_orders follows the ACME manager’s own lines, one series per site, and passes every line on', async () => {
  const metrics = createProcessMetrics();
  const seen: string[] = [];
  const log = tapAcmeOrders((e) => seen.push(e.event), metrics);
  log({ event: 'certificate_order_started', name: 'app' });
  log({ event: 'handshake', name: 'app' });
  log({ event: 'certificate_order_started', name: 'api' });
  log({ event: 'certificate_issued', name: 'api' });
  log({ event: 'certificate_renewal_failed', name: 'old' });
  assert.deepEqual(seen, [
    'certificate_order_started',
    'handshake',
    'certificate_order_started',
    'certificate_issued',
    'certificate_renewal_failed',
  ]);
  const { text } = await aggregateShares([metrics.snapshot()]);
  assert.match(text, /^tlsterm_acme_orders\{site="app",state="pending"\} 1$/m);
  assert.match(text, /^tlsterm_acme_orders\{site="api",state="valid"\} 1$/m);
  assert.match(text, /^tlsterm_acme_orders\{site="old",state="failed"\} 1$/m);
  assert.doesNotMatch(text, /site="api",state="pending"/, 'one series per site: the state it is in now');
});
