// The config check `serve` hands to a child at every load (so no process keeps the checker): the
// plan it sends back is the plan the same check gives in-process, URLs and all; a config with errors
// is refused with the same text; a check that hangs (here: a config file that is a FIFO nobody
// writes, as a file on a dead network mount would) is killed at its deadline and the load refused,
// and no child is left; `serve --help` says so.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { LogEvent } from '../../src/observe/index.ts';
import { loadPlanHere, loadPlanInChild } from '../../src/serve/plan-load.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { childrenOf } from '../helpers/processes.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;

before(async () => {
  tmp = makeTempDir('plan-checker');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});

after(() => tmp?.cleanup());

const writeConfig = (name: string, text: string): string => {
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, text);
  return file;
};

const config = (upstream: string) => `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
single_process: true
drain_timeout: 0s
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: ${upstream}
`;

/** This process's children. */
const children = (): number[] => childrenOf(process.pid);

test('the plan from the child is the plan the check gives here, with its warnings', async () => {
  const configFile = writeConfig('good.yaml', config('http://127.0.0.1:9/app'));
  const source = { configFile, stateDir: undefined };
  const lines: LogEvent[] = [];
  const here = await loadPlanHere(source, (e) => lines.push(e));
  const there = await loadPlanInChild(source, (e) => lines.push(e));
  assert.equal(here.ok, true, here.ok ? '' : here.why);
  assert.equal(there.ok, true, there.ok ? '' : there.why);
  if (!here.ok || !there.ok) return;
  assert.deepEqual(there.plan, here.plan);
  const upstream = there.plan.listeners[0]?.sites[0]?.upstream;
  assert.ok(upstream?.kind === 'http', JSON.stringify(upstream));
  assert.ok(upstream.url instanceof URL, 'a URL arrives as a URL');
  assert.equal(upstream.url.href, 'http://127.0.0.1:9/app');
  // drain_timeout 0 is a warning, said once per load.
  assert.match(there.warnings ?? '', /drain_timeout 0/);
  assert.equal(there.warnings, here.warnings);
  assert.deepEqual(children(), [], 'the checker exited');
});

test('a config with errors is refused with the text the check gives here', async () => {
  const configFile = writeConfig('bad.yaml', config('ftp://127.0.0.1/'));
  const source = { configFile, stateDir: undefined };
  const here = await loadPlanHere(source, () => {});
  const there = await loadPlanInChild(source, () => {});
  assert.equal(there.ok, false);
  assert.equal(here.ok, false);
  if (here.ok || there.ok) return;
  assert.match(there.why, /upstream/);
  assert.equal(there.why, here.why);
  assert.deepEqual(children(), []);
});

test('a check that hangs is killed at its deadline and the load refused', async () => {
  const fifo = path.join(tmp.dir, 'hung.yaml');
  execFileSync('mkfifo', [fifo]);
  const started = Date.now();
  const load = await loadPlanInChild({ configFile: fifo, stateDir: undefined }, () => {}, 1500);
  assert.deepEqual(load, { ok: false, why: 'the config check did not finish within 1.5 s' });
  assert.ok(Date.now() - started >= 1500);
  assert.deepEqual(children(), [], 'the hung checker is gone');
});

test('serve --help says where configs are checked and what bounds the check', () => {
  const bin = path.resolve(import.meta.dirname, '../../bin/tlsterm');
  const help = spawnSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8' });
  const text = help.stdout + help.stderr;
  assert.match(text, /checked by a short-lived child process/);
  assert.match(text, /over 60 s is killed/);
});
