// The admin token check: only `Bearer <token>` with the exact token passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost, tokenMatches } from '../../../src/observe/index.ts';

test('tokenMatches takes only the exact bearer token', () => {
  const token = 'c0ffee-0123456789abcdef';
  assert.equal(tokenMatches(`Bearer ${token}`, token), true);
  assert.equal(tokenMatches(`bearer ${token}`, token), true);
  assert.equal(tokenMatches(undefined, token), false);
  assert.equal(tokenMatches('', token), false);
  assert.equal(tokenMatches(token, token), false);
  assert.equal(tokenMatches(`Bearer ${token}x`, token), false);
  assert.equal(tokenMatches(`Bearer ${token.slice(1)}`, token), false);
  assert.equal(tokenMatches(`Basic ${token}`, token), false);
});

test('isLoopbackHost: 127/8, ::1, localhost', () => {
  for (const h of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
    assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.test'])
    assert.equal(isLoopbackHost(h), false, h);
});
