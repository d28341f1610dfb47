// docs/logs.md is the event table rendered; every event name written in src/ is in the table.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { renderLogsDoc } from '../../../scripts/logs-doc.ts';
import { EVENTS } from '../../../src/observe/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

test('docs/logs.md is rendered from the event table (run: node scripts/logs-doc.ts > docs/logs.md)', () => {
  assert.equal(readFileSync(path.join(ROOT, 'docs/logs.md'), 'utf8'), renderLogsDoc());
});

test("every `event: '…'` written in src/ is a row of the event table", () => {
  // decrypt's JSON-lines output has `event` members of its own (session_start, record, …; docs/trace.md):
  // they are output, not log events.
  const files = (readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !f.startsWith('trace/'),
  );
  const unknown: string[] = [];
  for (const f of files) {
    const text = readFileSync(path.join(ROOT, 'src', f), 'utf8');
    for (const m of text.matchAll(/\bevent: '([a-z0-9_]+)'/g))
      if (!(m[1]! in EVENTS)) unknown.push(`${f}: ${m[1]}`);
  }
  assert.deepEqual(unknown, []);
});
