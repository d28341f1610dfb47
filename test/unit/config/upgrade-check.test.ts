// `upgrade:` in check: protocol tokens, h2c warned about, no effect without HTTP, lists only.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import type { Problem } from '../../../src/problems.ts';
import { type FixtureDir, lineOf, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

const check = async (rewrite?: (t: string) => string) => {
  const { file, text } = fx.place('upgrade.yaml', rewrite);
  const r = await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } });
  return { ...r, text };
};

/** The last site (upgrade: a string) is a schema error, which stops the checks after the schema. */
const withoutLast = (t: string) => t.replace(/\n {6}- hosts: \[str\.example\.test\][\s\S]*$/, '\n');

const find = (problems: readonly Problem[], where: string, words: RegExp): Problem => {
  const hit = problems.find((p) => p.path === where && words.test(p.message));
  assert.ok(hit, `no problem at ${where} matching ${words}; got ${JSON.stringify(problems, null, 1)}`);
  return hit;
};

test('upgrade must be a list of protocol tokens; h2c is warned about', async () => {
  const shape = await check();
  const list = find(shape.problems, 'listeners[0].sites[4].upgrade', /are a list/);
  assert.equal(list.severity, 'error');
  assert.equal(list.line, lineOf(shape.text, 'upgrade: websocket'));
  const r = await check(withoutLast);
  const bad = find(r.problems, 'listeners[0].sites[0].upgrade[2]', /'bad token' is not an Upgrade protocol/);
  assert.equal(bad.severity, 'error');
  const h2c = find(r.problems, 'listeners[0].sites[0].upgrade[1]', /h2c tunnels HTTP\/2 past tlsterm/);
  assert.equal(h2c.severity, 'warning');
  const pass = find(r.problems, 'listeners[0].sites[3].upgrade', /no effect/);
  assert.equal(pass.severity, 'warning');
});

test('the plan holds the allowlist lower-cased; [] is none; absent is the default', async () => {
  const r = await check((t) => withoutLast(t).replace(', "bad token"', ''));
  assert.deepEqual(
    r.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const sites = r.plan?.listeners[0]?.sites ?? [];
  assert.deepEqual(sites[0]?.upgrade, ['websocket', 'h2c']);
  assert.deepEqual(sites[1]?.upgrade, []);
  assert.equal(sites[2]?.upgrade, undefined);
  assert.equal(sites[3]?.upgrade, undefined);
});
