// `timeouts:` and `limits:` per listener: the plan gets the values (or the defaults), bad values are
// Problems with path, line and hint.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS } from '../../../src/http/limits.ts';
import type { Problem } from '../../../src/problems.ts';
import { formatProblems } from '../../../src/problems.ts';
import { type FixtureDir, lineOf, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

function find(problems: readonly Problem[], where: string, words: RegExp): Problem {
  const hit = problems.find((p) => p.path === where && words.test(p.message));
  assert.ok(
    hit,
    `no problem at ${where} matching ${words}; got:\n${formatProblems(problems, 'config.yaml')}`,
  );
  return hit;
}

/** valid.yaml with `block` in place of its handshake_timeout line. */
async function check(block: string) {
  const { file, text } = fx.place('valid.yaml', (t) => t.replace('    handshake_timeout: 5s\n', block));
  return {
    ...(await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } })),
    text,
  };
}

test('no timeouts or limits: the defaults, no looser than nginx', async () => {
  const r = await check('');
  assert.deepEqual(r.problems, []);
  const l = r.plan!.listeners[0]!;
  assert.deepEqual(l.timeouts, DEFAULT_TIMEOUTS);
  assert.deepEqual(l.limits, DEFAULT_LIMITS);
  assert.equal(l.handshakeTimeoutMs, 10_000);
  assert.ok(l.timeouts.headerMs <= 60_000 && l.timeouts.bodyMs <= 60_000 && l.timeouts.sendMs <= 60_000);
  assert.ok(l.timeouts.keepaliveMs <= 75_000);
});

test('timeouts and limits reach the plan; handshake_timeout is an alias of timeouts.handshake', async () => {
  const r = await check(
    '    handshake_timeout: 4s\n' +
      '    timeouts: { header: 5s, body: 1m, send: 10s, keepalive: 20s, tunnel_idle: 1h, h2_idle: 30s }\n' +
      '    limits: { max_body: 10m, max_header_bytes: 32k, max_header_fields: 64, h2_max_streams: 50,' +
      ' max_connections: 5000, max_connections_per_client: 100 }\n',
  );
  assert.deepEqual(r.problems, []);
  const l = r.plan!.listeners[0]!;
  assert.deepEqual(l.timeouts, {
    handshakeMs: 4000,
    headerMs: 5000,
    bodyMs: 60_000,
    sendMs: 10_000,
    keepaliveMs: 20_000,
    tunnelIdleMs: 3_600_000,
    h2IdleMs: 30_000,
  });
  assert.equal(l.handshakeTimeoutMs, 4000);
  assert.deepEqual(l.limits, {
    maxBody: 10 * 1024 * 1024,
    maxHeaderBytes: 32 * 1024,
    maxHeaderFields: 64,
    h2MaxStreams: 50,
    maxConnections: 5000,
    maxConnectionsPerClient: 100,
  });
});

test('both spellings of the handshake timeout: a warning, timeouts.handshake wins', async () => {
  const r = await check('    handshake_timeout: 4s\n    timeouts: { handshake: 7s }\n');
  const w = find(r.problems, 'listeners[0].handshake_timeout', /both set: timeouts.handshake wins/);
  assert.equal(w.severity, 'warning');
  assert.equal(r.plan!.listeners[0]!.handshakeTimeoutMs, 7000);
});

test('bad timeouts: not a duration, unknown key (schema), zero, over a day', async () => {
  const bad = await check('    timeouts:\n      header: soon\n      idle: 5s\n');
  const word = find(bad.problems, 'listeners[0].timeouts.header', /'soon' is not a duration/);
  assert.equal(word.line, lineOf(bad.text, 'header: soon'));
  const key = find(bad.problems, 'listeners[0].timeouts.idle', /unknown key 'idle'/);
  assert.match(key.hint, /handshake, header, body, send, keepalive, tunnel_idle, h2_idle/);
  const r = await check('    timeouts:\n      send: 0\n      body: 48h\n');
  const zero = find(r.problems, 'listeners[0].timeouts.send', /timeouts.send must be longer than zero/);
  assert.equal(zero.line, lineOf(r.text, 'send: 0'));
  assert.match(zero.hint, /30s/);
  const long = find(r.problems, 'listeners[0].timeouts.body', /over a day/);
  assert.equal(long.line, lineOf(r.text, 'body: 48h'));
  assert.equal(r.plan, undefined);
});

test('bad limits: sizes, counts, header bytes out of range', async () => {
  const r = await check(
    '    limits:\n      max_body: 10 megs\n      max_header_bytes: 100\n      h2_max_streams: 0\n' +
      '      max_connections_per_client: -1\n',
  );
  const body = find(r.problems, 'listeners[0].limits.max_body', /'10 megs' is not a size/);
  assert.equal(body.line, lineOf(r.text, 'max_body'));
  find(r.problems, 'listeners[0].limits.h2_max_streams', /h2_max_streams must be at least 1/);
  find(r.problems, 'listeners[0].limits.max_connections_per_client', /must be at least 0/);
  assert.equal(r.plan, undefined);
  const small = await check('    limits: { max_header_bytes: 100 }\n');
  const hb = find(small.problems, 'listeners[0].limits.max_header_bytes', /between 1024 \(1k\) and/);
  assert.equal(hb.line, lineOf(small.text, 'max_header_bytes'));
});

test('a per-client limit above the listener limit is a warning; both off is a warning', async () => {
  const r = await check('    limits: { max_connections: 10, max_connections_per_client: 20 }\n');
  const w = find(r.problems, 'listeners[0].limits.max_connections_per_client', /never applies/);
  assert.equal(w.severity, 'warning');
  assert.ok(r.plan);
  const off = await check('    limits: { max_connections: 0, max_connections_per_client: 0 }\n');
  find(off.problems, 'listeners[0].limits', /both 0/);
  assert.equal(off.plan!.listeners[0]!.limits.maxConnections, 0);
});
