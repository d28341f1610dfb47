// log.file: appended (0640), whole lines, batched off the event loop, reopened by path (SIGUSR1).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLogFile } from '../../../src/observe/log-file.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsterm-logfile-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const settle = async (file: string, lines: number) => {
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').length - 1 >= lines) return;
    await sleep(20);
  }
};

test('appends with mode 0640, never writes inside the caller, keeps what was there', async () => {
  const file = path.join(dir, 'a.log');
  fs.writeFileSync(file, 'before\n', { mode: 0o640 });
  const f = openLogFile(file, () => {});
  f.write('one\n');
  f.write('two\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'before\n', 'nothing written synchronously');
  await settle(file, 3);
  assert.equal(fs.readFileSync(file, 'utf8'), 'before\none\ntwo\n');
  const fresh = path.join(dir, 'fresh.log');
  openLogFile(fresh, () => {});
  assert.equal(fs.statSync(fresh).mode & 0o777, 0o640 & ~process.umask());
});

test('after a mv and reopen, the next lines go to the new file and none to the old', async () => {
  const file = path.join(dir, 'b.log');
  const f = openLogFile(file, () => {});
  f.write('first\n');
  await settle(file, 1);
  fs.renameSync(file, `${file}.1`);
  f.write('still old: written before the reopen\n');
  assert.equal(f.reopen(), true);
  f.write('second\n');
  await settle(file, 1);
  await sleep(50);
  assert.equal(fs.readFileSync(file, 'utf8'), 'still old: written before the reopen\nsecond\n');
  assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), 'first\n');
});

test('flushSync writes what is pending at once (exit)', () => {
  const file = path.join(dir, 'c.log');
  const f = openLogFile(file, () => {});
  f.write('x\n');
  f.flushSync();
  assert.equal(fs.readFileSync(file, 'utf8'), 'x\n');
});

test('a file that cannot be opened is an error at open, a failed reopen is said once', () => {
  assert.throws(() => openLogFile(path.join(dir, 'missing', 'd.log'), () => {}), /ENOENT/);
  const file = path.join(dir, 'e.log');
  const said: string[] = [];
  const f = openLogFile(file, (t) => said.push(t));
  fs.rmSync(file);
  fs.mkdirSync(file);
  assert.equal(f.reopen(), false);
  assert.equal(f.reopen(), false);
  assert.equal(said.length, 1);
  assert.match(said[0]!, /e\.log/);
});
