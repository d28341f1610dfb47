// An access line's extra members: none for a plain request (no object built, the line not copied),
// else the filters', the request's own and the pool attempt's, in that order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessNote } from '../../../src/http/access-log.ts';

test('a request with no filter note, no note and no pool attempt has no extra members', () => {
  assert.equal(accessNote(null, null, null), null);
});

test('the members are merged: filters, then the note, then the pool attempt', () => {
  const attempt = { logFields: () => ({ pool: 'app', upstream_attempts: 2 }) };
  assert.deepEqual(accessNote({ tags: ['bot'] }, { reason: 'unknown_host' }, attempt), {
    tags: ['bot'],
    reason: 'unknown_host',
    pool: 'app',
    upstream_attempts: 2,
  });
  assert.deepEqual(accessNote(null, null, attempt), { pool: 'app', upstream_attempts: 2 });
  assert.deepEqual(accessNote({ rule: 'deny-admin' }, null, null), { rule: 'deny-admin' });
});
