// The primary's pid file, keyed by its config's real path, and how `tlsterm reload` finds the
// instance through it: never another config's instance, never a pid that is not tlsterm, and
// every way that can fail says why and what to do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { findInstance } from '../../../../src/serve/cluster/find-instance.ts';
import {
  instanceKey,
  pidFilePath,
  removePidFile,
  statusFilePath,
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
const configFile = (name: string) => {
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, 'listeners: []\n');
  return file;
};

/** A live process that is not tlsterm, and a way to end it. */
function otherProcess(): { pid: number; end(): void } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
  assert.ok(child.pid !== undefined);
  return { pid: child.pid, end: () => child.kill('SIGKILL') };
}

/** A live process whose command line names a `tlsterm` script (as `node …/bin/tlsterm serve` does). */
function fakeTlsterm(): { pid: number; end(): void } {
  const script = path.join(tmp.dir, 'tlsterm');
  fs.writeFileSync(script, 'setTimeout(() => {}, 20000);\n');
  const child = spawn(process.execPath, [script, 'serve'], { stdio: 'ignore' });
  assert.ok(child.pid !== undefined);
  return { pid: child.pid, end: () => child.kill('SIGKILL') };
}

const writeFor = (dir: string, pid: number, config: string) => {
  fs.mkdirSync(dir, { recursive: true });
  return instanceKey(config).then((key) => {
    fs.writeFileSync(pidFilePath(dir, key), `${pid}\n${key.config}\n`);
    return key;
  });
};

test('the pid file is named after the config real path, holds pid and config, 0600 in a 0700 directory', async () => {
  const dir = stateDir();
  const config = configFile('a.yaml');
  const key = await instanceKey(config);
  assert.match(key.key, /^[0-9a-f]{12}$/);
  // A symlink to the same file is the same instance.
  fs.symlinkSync(config, path.join(tmp.dir, 'a-link.yaml'));
  assert.deepEqual(await instanceKey(path.join(tmp.dir, 'a-link.yaml')), key);
  assert.equal((await instanceKey(undefined)).key, 'default');
  const file = await writePidFile(dir, key);
  assert.equal(file, path.join(dir, `tlsterm-${key.key}.pid`));
  assert.equal(fs.readFileSync(file, 'utf8'), `${process.pid}\n${fs.realpathSync(config)}\n`);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(statusFilePath(dir, key), path.join(dir, `tlsterm-${key.key}.status.json`));
  await removePidFile(file);
  assert.equal(fs.existsSync(file), false);
  await removePidFile(file); // already gone: no error
});

test('with -c: the instance of that config, never the one of another config in the same state directory', async () => {
  const dir = stateDir();
  const running = fakeTlsterm();
  try {
    await writeFor(dir, running.pid, configFile('b.yaml'));
    const other = configFile('c.yaml');
    const outcome = await findInstance(dir, other);
    assert.ok(!outcome.ok);
    assert.match(outcome.why, /no running tlsterm of .*c\.yaml found/);
    const found = await findInstance(dir, path.join(tmp.dir, 'b.yaml'));
    assert.ok(found.ok, JSON.stringify(found));
    assert.equal(found.pid, running.pid);
  } finally {
    running.end();
  }
});

test('without -c: the only live instance; several: each named, and -c asked for', async () => {
  const dir = stateDir();
  const one = fakeTlsterm();
  const two = fakeTlsterm();
  try {
    await writeFor(dir, one.pid, configFile('d.yaml'));
    const found = await findInstance(dir, undefined);
    assert.ok(found.ok && found.pid === one.pid);
    await writeFor(dir, two.pid, configFile('e.yaml'));
    const outcome = await findInstance(dir, undefined);
    assert.ok(!outcome.ok);
    assert.match(outcome.why, /2 tlsterm instances share/);
    assert.match(outcome.why, new RegExp(`pid ${one.pid}: .*d\\.yaml`));
    assert.match(outcome.why, new RegExp(`pid ${two.pid}: .*e\\.yaml`));
    assert.match(outcome.hint, /-c FILE/);
  } finally {
    one.end();
    two.end();
  }
});

test('no pid file: no running tlsterm, and how to point at the right state directory', async () => {
  const dir = stateDir();
  const outcome = await findInstance(dir, undefined);
  assert.ok(!outcome.ok);
  assert.equal(outcome.why, `no running tlsterm found: no pid file (tlsterm-*.pid) in ${dir}`);
  assert.match(outcome.hint, /tlsterm serve -c FILE/);
  assert.match(outcome.hint, /--state-dir/);
});

test('a pid that is alive but not tlsterm is never signalled', async () => {
  const dir = stateDir();
  const other = otherProcess();
  try {
    const config = configFile('f.yaml');
    await writeFor(dir, other.pid, config);
    const outcome = await findInstance(dir, config);
    assert.ok(!outcome.ok);
    assert.match(outcome.why, new RegExp(`pid ${other.pid} .* is not tlsterm`));
    assert.match(outcome.hint, /stale/);
  } finally {
    other.end();
  }
});

test('a pid whose process is gone: not running, the pid file is stale', async () => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  assert.ok(pid !== undefined);
  await new Promise((r) => child.once('exit', r));
  const dir = stateDir();
  const config = configFile('g.yaml');
  const key = await writeFor(dir, pid, config);
  const outcome = await findInstance(dir, config);
  assert.ok(!outcome.ok);
  assert.equal(outcome.why, `tlsterm (pid ${pid}, from ${pidFilePath(dir, key)}) is not running`);
  assert.match(outcome.hint, /pid file is stale/);
});
