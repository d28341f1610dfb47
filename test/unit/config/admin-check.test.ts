// `admin:`: off when absent; loopback by default; a non-loopback address needs a token (an error
// with path, line and hint otherwise); token_file is read, and both token forms together refused.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import { type FixtureDir, lineOf, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

/** valid.yaml with `block` before its `listeners:` key. */
async function check(block: string) {
  const { file, text } = fx.place('valid.yaml', (t) => t.replace('listeners:\n', `${block}listeners:\n`));
  return {
    ...(await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } })),
    text,
  };
}

test('no admin: the listener is off', async () => {
  const r = await check('');
  assert.deepEqual(r.problems, []);
  assert.equal(r.plan?.admin, undefined);
});

test('admin: {} listens on 127.0.0.1:9901 without a token', async () => {
  const r = await check('admin: {}\n');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.plan?.admin, { host: '127.0.0.1', port: 9901 });
});

test('a non-loopback address without a token is an error with its line and a hint', async () => {
  const r = await check('admin:\n  address: 0.0.0.0:9901\n');
  const p = r.problems.find((x) => x.path === 'admin.address');
  assert.ok(p, JSON.stringify(r.problems));
  assert.equal(p.severity, 'error');
  assert.match(p.message, /reachable from other hosts and has no token/);
  assert.match(p.hint, /token_file/);
  assert.equal(p.line, lineOf(r.text, 'address: 0.0.0.0:9901'));
  assert.equal(r.plan, undefined);
});

test('[::1] and 127.0.0.2 are loopback; off loopback a token_file is read (trimmed)', async () => {
  assert.deepEqual((await check('admin: { address: "[::1]:9901" }\n')).problems, []);
  assert.deepEqual((await check('admin: { address: "127.0.0.2:9901" }\n')).problems, []);
  const tokenFile = path.join(fx.dir, 'admin.token');
  fs.writeFileSync(tokenFile, 'c0ffee-0123456789abcdef\n', { mode: 0o600 });
  const r = await check(`admin: { address: "0.0.0.0:9901", token_file: ${tokenFile} }\n`);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.plan?.admin, { host: '0.0.0.0', port: 9901, token: 'c0ffee-0123456789abcdef' });
});

test('token and token_file together, a missing token file and a short token are errors', async () => {
  const both = await check('admin: { token: "0123456789abcdef0", token_file: /nonexistent }\n');
  assert.ok(both.problems.some((p) => p.path === 'admin.token_file' && /both/.test(p.message)));
  const missing = await check('admin: { address: "0.0.0.0:9901", token_file: /nonexistent/token }\n');
  assert.ok(missing.problems.some((p) => p.path === 'admin.token_file' && /cannot read/.test(p.message)));
  const short = await check('admin: { token: "short" }\n');
  assert.ok(
    short.problems.some((p) => /at least 16/.test(p.message)),
    JSON.stringify(short.problems),
  );
});
