// `proxy_protocol:` on a listener: the plan gets accept and from; no `from`, bad CIDRs and a
// plain-HTTP listener with it are errors with path and line; 0.0.0.0/0 is a warning.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
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

async function check(block: string) {
  const { file, text } = fx.place('valid.yaml', (t) => t.replace('    handshake_timeout: 5s\n', block));
  return {
    ...(await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } })),
    text,
  };
}

test('proxy_protocol with accept and from reaches the plan; accept defaults to both', async () => {
  const r = await check('    proxy_protocol: { accept: v2, from: [10.0.0.0/8, 192.0.2.7, "fd00::/8"] }\n');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.plan?.listeners[0]?.proxyProtocol, {
    accept: 'v2',
    from: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8'],
  });
  const d = await check('    proxy_protocol: { from: [127.0.0.1] }\n');
  assert.equal(d.plan?.listeners[0]?.proxyProtocol?.accept, 'both');
});

test('proxy_protocol without from is refused', async () => {
  const r = await check('    proxy_protocol: { accept: v1 }\n');
  const p = find(r.problems, 'listeners[0].proxy_protocol', /without from/);
  assert.equal(p.severity, 'error');
  assert.equal(p.line, lineOf(r.text, 'proxy_protocol:'));
  const empty = await check('    proxy_protocol: { accept: v1, from: [] }\n');
  find(empty.problems, 'listeners[0].proxy_protocol', /without from/);
});

test('bad CIDRs and a bad accept are refused', async () => {
  const r = await check(
    '    proxy_protocol:\n      from: [10.0.0.0/33, not-an-ip, "::1/129", 10.0.0.1/8/2]\n',
  );
  find(r.problems, 'listeners[0].proxy_protocol.from[0]', /prefix length must be 0-32/);
  find(r.problems, 'listeners[0].proxy_protocol.from[1]', /not an IP address/);
  find(r.problems, 'listeners[0].proxy_protocol.from[2]', /0-128 for IPv6/);
  find(r.problems, 'listeners[0].proxy_protocol.from[3]', /not an IP address/);
  assert.equal(r.plan, undefined);
  const a = await check('    proxy_protocol: { accept: v3, from: [127.0.0.1] }\n');
  assert.ok(
    a.problems.some((p) => /accept is v1, v2 or both/.test(p.message)),
    formatProblems(a.problems, 'c'),
  );
});

test('from: [0.0.0.0/0] trusts everyone: a warning', async () => {
  const r = await check('    proxy_protocol: { from: [0.0.0.0/0] }\n');
  const p = find(r.problems, 'listeners[0].proxy_protocol.from[0]', /trusts every address/);
  assert.equal(p.severity, 'warning');
});
