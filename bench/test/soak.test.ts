import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JUNK_KINDS, junkBytes, malformedHello } from '../soak/adversaries/junk-payloads.ts';
import { listenerBounds } from '../soak/config.ts';
import { countEstablished } from '../soak/connections.ts';
import { eventOf } from '../soak/log-events.ts';
import { schedule } from '../soak/phases.ts';
import { type Sample, summarize } from '../soak/report.ts';

describe('soak: connections from /proc/net/tcp', () => {
  // Two established on :8443 (0x20FB), one listening on it, one established on another port.
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:20FB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1',
    '   1: 0100007F:20FB 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2',
    '   2: 0100007F:20FB 0300007F:D432 01 00000000:00000000 00:00000000 00000000     0        0 3',
    '   3: 0200007F:D431 0100007F:20FB 01 00000000:00000000 00:00000000 00000000     0        0 4',
  ].join('\n');
  it('counts established sockets whose local port is the server port', () => {
    assert.equal(countEstablished(table, 8443), 2);
    assert.equal(countEstablished(table, 54321), 1);
    assert.equal(countEstablished(table, 80), 0);
  });
});

describe('soak: schedule', () => {
  it('a 10-minute run: 90 s cool-down, 5 s samples, full-scale adversaries, reloads every 30 s', () => {
    const s = schedule(600);
    assert.equal(s.phases.at(-1)?.name, 'cooldown');
    assert.equal(s.phases.at(-1)?.seconds, 90);
    assert.equal(s.sampleMs, 5000);
    assert.equal(s.scale, 1);
    assert.equal(s.reloadMs, 30_000);
    assert.ok(
      s.phases.some((p) => p.bounds === 'defaults' && p.adversaries.length > 0),
      'defaults exercised',
    );
    const total = s.phases.reduce((a, p) => a + p.seconds, 0);
    assert.ok(Math.abs(total - 600) <= 3, `phases add up to the run: ${total}`);
  });
  it('a short run keeps every phase, scaled down', () => {
    const s = schedule(12);
    assert.deepEqual(
      s.phases.map((p) => p.name),
      ['baseline', 'holds', 'floods', 'junk', 'mixed', 'defaults', 'cooldown'],
    );
    assert.ok(s.scale < 0.05);
    assert.equal(s.sampleMs, 1000);
  });
});

describe('soak: bounds written only where the tree knows the key', () => {
  const old = { listener: ['name', 'handshake_timeout'], timeouts: [], limits: [] };
  const bounded = {
    listener: ['name', 'timeouts', 'limits'],
    timeouts: ['handshake', 'send', 'keepalive'],
    limits: ['max_connections'],
  };
  it('a tree without timeouts/limits gets its handshake timeout only', () => {
    assert.deepEqual(listenerBounds('short', old), { handshake_timeout: '5s' });
  });
  it('a tree with them gets the short values of the keys it knows', () => {
    assert.deepEqual(listenerBounds('short', bounded), {
      timeouts: { handshake: '5s', send: '5s', keepalive: '10s' },
      limits: { max_connections: 3000 },
    });
  });
  it('defaults means nothing written', () => {
    assert.deepEqual(listenerBounds('defaults', bounded), {});
  });
});

describe('soak: junk payloads', () => {
  it('none starts like a valid ClientHello record', () => {
    for (const kind of JUNK_KINDS) assert.ok(junkBytes(kind).length > 0, kind);
    assert.notEqual(junkBytes('random_bytes')[0], 0x16);
    const hello = malformedHello();
    // Record and handshake lengths agree with the bytes; the session id's (255) does not fit in them.
    assert.equal(hello.readUInt16BE(3), hello.length - 5);
    assert.equal(hello.readUIntBE(6, 3), hello.length - 9);
    assert.equal(hello[5 + 4 + 34], 0xff);
    assert.ok(hello.length - (5 + 4 + 35) < 255);
  });
});

describe('soak: log events', () => {
  it('reads the event name of a JSON log line', () => {
    assert.equal(eventOf('{"time":"x","worker":7,"event":"memory_relief","gc_ms":3}'), 'memory_relief');
    assert.equal(eventOf('{"time":"x","msg":"no event"}'), undefined);
  });
});

describe('soak: summary', () => {
  const sample = (t: number, phase: string, rss: number, client = 0): Sample => ({
    t,
    phase,
    client_conns: client,
    upstream_conns: 0,
    rss_primary_mib: 50,
    rss_workers_mib: [rss - 50],
    rss_total_mib: rss,
    ok: t,
    failed: 0,
  });
  it('RSS before is the end of the baseline, after is 60 s into the cool-down', () => {
    const samples = [
      sample(0, 'baseline', 100),
      sample(5, 'baseline', 110),
      sample(10, 'holds', 300, 900),
      sample(20, 'cooldown', 290),
      sample(80, 'cooldown', 120),
      sample(90, 'cooldown', 115),
    ];
    const s = summarize(samples, [], {
      seconds: 90,
      workers: 1,
      bounds_in_force: {},
      reloads_ok: 0,
      reloads_failed: 0,
      events: {},
      ordinary_failures: {},
    });
    assert.equal(s.rss_before_mib, 110);
    assert.equal(s.rss_peak_mib, 300);
    assert.equal(s.rss_after_60s_mib, 120);
    assert.equal(s.rss_after_ratio, 1.09);
    assert.equal(s.max_client_conns, 900);
    assert.equal(s.ordinary_ok, 90);
  });
});
