import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectorFlags, inspectorRefusal, workerExecArgv } from '../../../src/serve/no-inspector.ts';

test('inspector flags are found in execArgv and NODE_OPTIONS, other flags are not', () => {
  assert.deepEqual(inspectorFlags(['--inspect'], undefined), ['--inspect']);
  assert.deepEqual(inspectorFlags([], ' --max-old-space-size=100  --inspect-brk=0.0.0.0:9229'), [
    '--inspect-brk=0.0.0.0:9229',
  ]);
  assert.deepEqual(inspectorFlags(['--inspect-wait'], ''), ['--inspect-wait']);
  assert.deepEqual(inspectorFlags(['--inspect-port=9333', '--enable-source-maps'], '--no-warnings'), []);
});

test('a refusal names the flag or the open inspector; none without either', () => {
  assert.equal(inspectorRefusal([], undefined, undefined), undefined);
  assert.match(inspectorRefusal([], '--inspect', undefined) ?? '', /\(--inspect\)/);
  assert.match(inspectorRefusal([], undefined, 'ws://127.0.0.1:9229/x') ?? '', /open inspector/);
});

test('workers get --disable-sigusr1 once and lose inspector flags', () => {
  assert.deepEqual(workerExecArgv([]), ['--disable-sigusr1']);
  assert.deepEqual(workerExecArgv(['--inspect', '--disable-sigusr1']), ['--disable-sigusr1']);
});
