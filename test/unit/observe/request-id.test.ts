// Request ids: an incoming X-Request-Id is kept when it is a sane token, else one is made.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSaneRequestId, newRequestId, requestIdFor } from '../../../src/observe/request-id.ts';

test('a sane id is 1..128 visible ASCII characters', () => {
  assert.ok(isSaneRequestId('f47ac10b-58cc-4372-a567-0e02b2c3d479'));
  assert.ok(isSaneRequestId('a'.repeat(128)));
  assert.ok(!isSaneRequestId('a'.repeat(129)));
  assert.ok(!isSaneRequestId(''));
  assert.ok(!isSaneRequestId('has space'));
  assert.ok(!isSaneRequestId('tab\there'));
  assert.ok(!isSaneRequestId('caf\u00e9'));
  assert.ok(!isSaneRequestId('line\nbreak'));
});

test('kept when sane, replaced when not or absent', () => {
  assert.equal(requestIdFor('abc-123'), 'abc-123');
  const made = requestIdFor('bad id');
  assert.notEqual(made, 'bad id');
  assert.ok(isSaneRequestId(made));
  assert.ok(isSaneRequestId(requestIdFor(undefined)));
});

test('made ids: one random prefix per process, then a counter; all distinct', () => {
  const ids = Array.from({ length: 1000 }, () => newRequestId());
  assert.equal(new Set(ids).size, ids.length);
  const prefix = ids[0]!.split('-')[0]!;
  assert.match(prefix, /^[0-9a-f]{12}$/);
  assert.ok(ids.every((id) => id.startsWith(`${prefix}-`)));
});
