// `single_process:` — the primary serves, so workers is 1 (left out, or said); more workers, or a
// `user:` to drop to (which a reload in one process could not undo), are errors with a hint.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import { processModelChange } from '../../../src/serve/cluster/restart-only.ts';
import { type FixtureDir, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

/** valid.yaml with `block` before its `listeners:` key. */
async function check(block: string) {
  const { file } = fx.place('valid.yaml', (t) => t.replace('listeners:\n', `${block}listeners:\n`));
  return checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } });
}

test('without single_process: workers as written (auto when left out), no single process', async () => {
  const r = await check('');
  assert.equal(r.plan?.workers, 'auto');
  assert.equal(r.plan?.singleProcess, undefined);
  assert.equal((await check('workers: 3\n')).plan?.workers, 3);
});

test('single_process: one serving process, with workers left out or 1', async () => {
  for (const block of ['single_process: true\n', 'single_process: true\nworkers: 1\n']) {
    const r = await check(block);
    assert.deepEqual(r.problems, []);
    assert.equal(r.plan?.workers, 1);
    assert.equal(r.plan?.singleProcess, true);
  }
  assert.equal((await check('single_process: false\n')).plan?.singleProcess, undefined);
});

test('single_process with more workers, or with user:, is an error with a hint', async () => {
  for (const workers of ['2', 'auto']) {
    const r = await check(`single_process: true\nworkers: ${workers}\n`);
    const p = r.problems.find((x) => x.path === 'workers');
    assert.ok(p, JSON.stringify(r.problems));
    assert.equal(p.severity, 'error');
    assert.match(p.message, new RegExp(`single_process serves from one process: workers: ${workers}`));
    assert.match(p.hint, /leave workers out/);
    assert.equal(r.plan, undefined);
  }
  const r = await check('single_process: true\nuser: root\n');
  const p = r.problems.find((x) => x.path === 'single_process');
  assert.ok(p, JSON.stringify(r.problems));
  assert.match(p.message, /cannot drop to user:/);
  assert.match(p.hint, /cap_net_bind_service/);
});

test('single_process is not a string', async () => {
  const r = await check('single_process: yes please\n');
  assert.ok(r.problems.some((p) => p.path === 'single_process' && /true or false/.test(p.message)));
});

test('a reload may not switch single_process (the running process model stays)', async () => {
  const plan = (await check('single_process: true\n')).plan;
  const other = (await check('')).plan;
  assert.ok(plan && other);
  assert.equal(processModelChange(plan, true), undefined);
  assert.equal(processModelChange(other, false), undefined);
  assert.match(
    processModelChange(other, true) ?? '',
    /changes only at a restart \(this instance runs one process\)/,
  );
  assert.match(processModelChange(plan, false) ?? '', /runs a primary and workers/);
});
