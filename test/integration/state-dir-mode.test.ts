// The state directory holds private keys: whoever creates it first (bin/tlsterm's compile cache,
// the local CA, the pid file) makes it 0700, under TLSTERM_STATE_DIR as under XDG_STATE_HOME.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { makeTempDir } from '../helpers/pki.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');
const tmp = makeTempDir('state-dir-mode');
after(() => tmp.cleanup());

const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8);

function runWith(env: Record<string, string>): void {
  const clean = { ...process.env };
  delete clean['TLSTERM_STATE_DIR'];
  delete clean['XDG_STATE_HOME'];
  const r = spawnSync(process.execPath, [BIN, '--version'], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
  assert.equal(r.status, 0, r.stderr);
}

test('a fresh TLSTERM_STATE_DIR is created 0700', () => {
  const dir = path.join(tmp.dir, 'a', 'state');
  runWith({ TLSTERM_STATE_DIR: dir });
  assert.equal(mode(dir), '700');
  assert.equal(mode(path.join(dir, 'compile-cache')), '700');
});

test('a fresh XDG_STATE_HOME/tlsterm is created 0700', () => {
  const xdg = path.join(tmp.dir, 'xdg');
  runWith({ XDG_STATE_HOME: xdg });
  assert.equal(mode(xdg), '700');
  assert.equal(mode(path.join(xdg, 'tlsterm')), '700');
});
