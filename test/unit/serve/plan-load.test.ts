// The peek at `single_process:` before a config is checked (plan-load.ts): a top-level
// `single_process: true` line is seen; anything else says no, and the check decides.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { saysSingleProcess } from '../../../src/serve/plan-load.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-load-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const peek = (text: string): Promise<boolean> => {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  return saysSingleProcess(file);
};

test('a top-level single_process: true is seen, with a comment or CRLF line ends', async () => {
  assert.equal(await peek('state_dir: /x\nsingle_process: true\nlisteners: []\n'), true);
  assert.equal(await peek('single_process:   true   # one process\n'), true);
  assert.equal(await peek('state_dir: /x\r\nsingle_process: true\r\nworkers: 1\r\n'), true);
});

test('anything else says no: false, nested, quoted, another word, or no file', async () => {
  assert.equal(await peek('single_process: false\n'), false);
  assert.equal(await peek('other:\n  single_process: true\n'), false);
  assert.equal(await peek('"single_process": true\n'), false);
  assert.equal(await peek('single_process: yes\n'), false);
  assert.equal(await peek('single_process: trueish\n'), false);
  assert.equal(await saysSingleProcess(path.join(dir, 'missing.yaml')), false);
});
