// The primary's pid file in the state directory, and how `tlsterm reload` reaches the instance
// through it: every way that can fail says why and what to do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  pidFilePath,
  removePidFile,
  signalInstance,
  writePidFile,
} from '../../../../src/serve/cluster/pid-file.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
let n = 0;
before(() => {
  tmp = makeTempDir('pid-file');
});
after(() => tmp.cleanup());

/** A state directory of its own for each test (not created yet). */
const stateDir = () => path.join(tmp.dir, `state-${++n}`);

// Signal 0 checks that the process exists and may be signalled, and delivers nothing.
const PROBE = 0 as unknown as NodeJS.Signals;

test('writePidFile creates the state directory (0700) and writes this process id; removePidFile deletes it', async () => {
  const dir = stateDir();
  const file = await writePidFile(dir);
  assert.equal(file, path.join(dir, 'tlsterm.pid'));
  assert.equal(file, pidFilePath(dir));
  assert.equal(fs.readFileSync(file, 'utf8'), `${process.pid}\n`);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  await removePidFile(file);
  assert.equal(fs.existsSync(file), false);
  await removePidFile(file); // already gone: no error
});

test('signalInstance reaches the process named in the pid file', async () => {
  const dir = stateDir();
  await writePidFile(dir);
  assert.deepEqual(await signalInstance(dir, PROBE), { ok: true, pid: process.pid });
});

test('no pid file: no running tlsterm, and how to point at the right state directory', async () => {
  const dir = stateDir();
  const outcome = await signalInstance(dir, PROBE);
  assert.equal(outcome.ok, false);
  assert.ok(!outcome.ok);
  assert.equal(outcome.why, `no running tlsterm found: ${path.join(dir, 'tlsterm.pid')} does not exist`);
  assert.match(outcome.hint, /tlsterm serve -c FILE/);
  assert.match(outcome.hint, /--state-dir/);
});

test('a pid file without a usable process id says so', async () => {
  for (const text of ['garbage\n', '', '1\n', '-5\n', '12.5\n']) {
    const dir = stateDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(pidFilePath(dir), text);
    const outcome = await signalInstance(dir, PROBE);
    assert.ok(!outcome.ok, JSON.stringify(text));
    assert.equal(outcome.why, `${pidFilePath(dir)} holds no process id`);
    assert.match(outcome.hint, /remove the file and restart tlsterm/);
  }
});

test('a pid whose process is gone: not running, the pid file is stale', async () => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  assert.ok(pid !== undefined);
  await new Promise((r) => child.once('exit', r));
  const dir = stateDir();
  fs.mkdirSync(dir);
  fs.writeFileSync(pidFilePath(dir), `${pid}\n`);
  const outcome = await signalInstance(dir, PROBE);
  assert.ok(!outcome.ok);
  assert.equal(outcome.why, `tlsterm (pid ${pid}, from ${pidFilePath(dir)}) is not running`);
  assert.match(outcome.hint, /pid file is stale/);
});
