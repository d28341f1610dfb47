import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Problem } from '../../../src/problems.ts';
import { formatProblems, hasErrors, sortProblems, summarize } from '../../../src/problems.ts';

const p = (
  severity: Problem['severity'],
  path: string,
  line: number | undefined,
  message: string,
): Problem => ({
  severity,
  path,
  ...(line !== undefined ? { line } : {}),
  message,
  hint: `fix ${path || 'file'}`,
});

test('formatProblems prints like a compiler, sorted by line, with a summary', () => {
  const out = formatProblems(
    [
      p('warning', 'listeners[0].sites[0].certificates[0].cert', 14, 'expires in 3 days'),
      p('error', 'listeners[0].sites[0].certificates[0].key', 12, 'key does not match certificate CN=a'),
      p('error', '', undefined, 'cannot read config'),
      p('error', 'listeners[0].address', 14, 'bad address'),
    ],
    'config.yaml',
  );
  assert.equal(
    out,
    [
      'config.yaml  error: cannot read config',
      '    hint: fix file',
      'config.yaml:12  listeners[0].sites[0].certificates[0].key  error: key does not match certificate CN=a',
      '    hint: fix listeners[0].sites[0].certificates[0].key',
      'config.yaml:14  listeners[0].address  error: bad address',
      '    hint: fix listeners[0].address',
      'config.yaml:14  listeners[0].sites[0].certificates[0].cert  warning: expires in 3 days',
      '    hint: fix listeners[0].sites[0].certificates[0].cert',
      '3 errors, 1 warning',
      '',
    ].join('\n'),
  );
});

test('summaries and helpers', () => {
  assert.equal(summarize([]), 'no problems');
  assert.equal(summarize([p('error', 'a', 1, 'x')]), '1 error, 0 warnings');
  assert.equal(formatProblems([], 'c.yaml'), 'no problems\n');
  assert.equal(hasErrors([p('warning', 'a', 1, 'x')]), false);
  assert.equal(hasErrors([p('warning', 'a', 1, 'x'), p('error', 'b', 2, 'y')]), true);
  assert.deepEqual(
    sortProblems([p('warning', 'b', 3, 'w'), p('error', 'a', 3, 'e')]).map((x) => x.severity),
    ['error', 'warning'],
  );
});
