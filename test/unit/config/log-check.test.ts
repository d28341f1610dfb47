// `log:` in check: defaults, the request id header rules, the file's directory.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CheckContext } from '../../../src/config/check-context.ts';
import { checkLog } from '../../../src/config/log-check.ts';
import { DEFAULT_LOG_SETTINGS } from '../../../src/observe/log-settings.ts';

const ctx = () => {
  const problems: { severity: string; where: string; message: string }[] = [];
  const c: CheckContext = {
    add: (severity, where, message) => problems.push({ severity, where, message }),
    resolveFile: (p) => path.resolve('/etc/tlsterm', p),
    readCaFiles: async () => undefined,
    loadPair: async () => undefined,
  };
  return { c, problems };
};

test('absent: stdout, json, info, offered lists on failures, x-request-id', () => {
  const { c, problems } = ctx();
  assert.deepEqual(checkLog(c, undefined), DEFAULT_LOG_SETTINGS);
  assert.deepEqual(DEFAULT_LOG_SETTINGS, {
    format: 'json',
    level: 'info',
    offered: 'failures',
    requestIdHeader: 'x-request-id',
  });
  assert.equal(problems.length, 0);
});

test('every key read; the file resolved against the config; the header lower-cased', () => {
  const { c, problems } = ctx();
  const tmp = os.tmpdir();
  const plan = checkLog(c, {
    file: path.join(tmp, 'tlsterm.log'),
    format: 'text',
    level: 'warning',
    handshake: { offered: 'all' },
    request_id_header: 'X-Correlation-Id',
  });
  assert.deepEqual(plan, {
    file: path.join(tmp, 'tlsterm.log'),
    format: 'text',
    level: 'warning',
    offered: 'all',
    requestIdHeader: 'x-correlation-id',
  });
  assert.equal(problems.length, 0);
  assert.equal(checkLog(c, { request_id_header: false }).requestIdHeader, false);
});

test('refused: a header that is not a token or one tlsterm sets; a file in a missing directory', () => {
  const { c, problems } = ctx();
  checkLog(c, { request_id_header: 'bad header' });
  checkLog(c, { request_id_header: 'X-Forwarded-For' });
  checkLog(c, { file: 'no-such-dir-here/tlsterm.log' });
  assert.deepEqual(
    problems.map((p) => [p.severity, p.where]),
    [
      ['error', 'log.request_id_header'],
      ['error', 'log.request_id_header'],
      ['error', 'log.file'],
    ],
  );
  assert.match(problems[2]!.message, /\/etc\/tlsterm\/no-such-dir-here does not exist/);
});
