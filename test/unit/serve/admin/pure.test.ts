// The admin API's pure parts: client CIDR filters, the bounded event ring, the merge of workers'
// answers, the readiness checks and the key log order check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Plan } from '../../../../src/config/plan.ts';
import { addressOf, clientMatcher } from '../../../../src/serve/admin/cidr.ts';
import { createEventRing } from '../../../../src/serve/admin/event-ring.ts';
import { checkKeylogOrder, KEYLOG_DEFAULT_MS } from '../../../../src/serve/admin/keylog-session.ts';
import { mergeConnections, mergeTicketKeys } from '../../../../src/serve/admin/merge.ts';
import { readinessChecks } from '../../../../src/serve/admin/readiness.ts';

test('clientMatcher: CIDRs and single addresses, IPv4-mapped IPv6 as IPv4, bad input refused', () => {
  assert.equal(addressOf('::1:43818'), '::1');
  assert.equal(addressOf('[::1]:443'), '::1');
  assert.equal(addressOf('::ffff:127.0.0.1:5000'), '127.0.0.1');
  const loop = clientMatcher('127.0.0.0/8');
  assert.ok(loop.ok);
  assert.equal(loop.match('127.0.0.2:1234'), true);
  assert.equal(loop.match('::ffff:127.0.0.1:1234'), true);
  assert.equal(loop.match('10.0.0.1:1234'), false);
  const one = clientMatcher('::1');
  assert.ok(one.ok);
  assert.equal(one.match('::1:40000'), true);
  assert.equal(one.match('127.0.0.1:40000'), false);
  assert.equal(clientMatcher('10.0.0.0/33').ok, false);
  assert.equal(clientMatcher('nonsense').ok, false);
});

test('the event ring keeps the last N handshake lines, newest first, filtered', () => {
  const written: string[] = [];
  const ring = createEventRing((e) => written.push(e.event), 3);
  for (let i = 0; i < 5; i++)
    ring.log({ event: 'handshake', site: `s${i % 2}`, client: `127.0.0.${i}:1`, n: i });
  ring.log({ event: 'handshake_failed', site: null, reason: 'no_common_cipher', client: '10.0.0.1:2' });
  ring.log({ event: 'started', pid: 1 });
  assert.equal(written.length, 7, 'every line is still written');
  const all = ring.query({ limit: 10 });
  assert.deepEqual(
    all.map((e) => e['n'] ?? e['reason']),
    ['no_common_cipher', 4, 3],
  );
  assert.equal(ring.query({ limit: 10, site: 's0' }).length, 1);
  assert.equal(ring.query({ limit: 10, reason: 'no_common_cipher' }).length, 1);
  assert.equal(ring.query({ limit: 10, client: '10.0.0.0/8' }).length, 1);
  assert.equal(ring.query({ limit: 1 }).length, 1);
});

test('merge: connection counts add up across workers; ticket keys listed once with their workers', () => {
  const c = mergeConnections(
    [
      {
        pid: 1,
        answer: { what: 'connections', connections: { counts: { l: { h2: 2 } }, total: 2, list: [] } },
      },
      {
        pid: 2,
        answer: {
          what: 'connections',
          connections: { counts: { l: { h2: 1, 'http/1.1': 1 } }, total: 2, list: [] },
        },
      },
    ],
    10,
  );
  assert.deepEqual(c, {
    total: 4,
    counts: { l: { h2: 3, 'http/1.1': 1 } },
    per_worker: { '1': 2, '2': 2 },
    connections: [],
  });
  const key = { listener: 'l', name_prefix: 'abcd0123', age_seconds: 5, role: 'current' as const };
  const k = mergeTicketKeys([
    { pid: 2, answer: { what: 'ticket-keys', keys: [key] } },
    { pid: 1, answer: { what: 'ticket-keys', keys: [{ ...key, age_seconds: 6 }] } },
  ]);
  assert.deepEqual(k, { ticket_keys: [{ ...key, workers: [1, 2] }] });
});

const plan = {
  stateDir: '/var/lib/tlsterm',
  state: { backend: 'memory' },
  listeners: [
    {
      name: 'l',
      sites: [{ id: 'listeners[0].sites[0]', mode: 'terminate', hosts: ['a.test'], certificates: [{}] }],
    },
  ],
} as unknown as Plan;

test('readiness: listeners wait for every worker of the serving generation; a down backend is degraded', () => {
  const starting = readinessChecks(
    plan,
    {
      generation: 1,
      expected: 2,
      workers: [
        { pid: 10, generation: 1, ready: true },
        { pid: 11, generation: 1, ready: false },
      ],
    },
    [],
    { down: () => [] },
  );
  assert.equal(starting[0]?.ok, false);
  assert.match(starting[0]?.reason ?? '', /1 of 2 workers listen; starting: 11/);
  const down = readinessChecks(
    plan,
    { generation: 1, expected: 1, workers: [{ pid: 10, generation: 1, ready: true }] },
    [{ listener: 'l', address: '::1', port: 8443 }],
    { down: () => [{ url: 'redis://r:6379', since: 'then', error: 'ECONNREFUSED' }] },
  );
  assert.equal(down[0]?.ok, true);
  assert.match(down[0]?.reason ?? '', /\[::1\]:8443/);
  assert.deepEqual({ ok: down[2]?.ok, degraded: down[2]?.degraded }, { ok: false, degraded: true });
});

test('key log orders: default 10 minutes under <state_dir>/keylog, at most 1h, known sites only', () => {
  const now = Date.UTC(2026, 0, 1);
  const d = checkKeylogOrder({}, plan, now);
  assert.ok(d.ok);
  assert.equal(d.order.until, now + KEYLOG_DEFAULT_MS);
  assert.equal(d.order.file, '/var/lib/tlsterm/keylog/2026-01-01T00-00-00.000Z.keys');
  const byHost = checkKeylogOrder({ site: 'A.test', duration: '5m', client: '10.0.0.0/8' }, plan, now);
  assert.ok(byHost.ok);
  assert.equal(byHost.order.until, now + 300_000);
  assert.equal(checkKeylogOrder({ duration: '61m' }, plan, now).ok, false);
  assert.equal(checkKeylogOrder({ duration: 0 }, plan, now).ok, false);
  assert.equal(checkKeylogOrder({ site: 'b.test' }, plan, now).ok, false);
  assert.equal(checkKeylogOrder({ client: 'x' }, plan, now).ok, false);
  assert.equal(checkKeylogOrder({ verbose: true }, plan, now).ok, false);
  const named = checkKeylogOrder({ file: 'shop.keys' }, plan, now);
  assert.ok(named.ok);
  assert.equal(named.order.file, '/var/lib/tlsterm/keylog/shop.keys');
  // Only a name in the keylog directory: not a file someone else could have made readable.
  for (const file of ['/tmp/x.keys', '../x.keys', 'sub/x.keys', ''])
    assert.equal(checkKeylogOrder({ file }, plan, now).ok, false, file);
});
