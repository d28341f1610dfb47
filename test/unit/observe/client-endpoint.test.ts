import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpoint } from '../../../src/observe/client-endpoint.ts';

test('one spelling of a client: IPv6 in brackets, never ::1:43818', () => {
  assert.equal(endpoint('203.0.113.9', 5123), '203.0.113.9:5123');
  assert.equal(endpoint('::1', 43818), '[::1]:43818');
  assert.equal(endpoint('::ffff:127.0.0.1', 9), '[::ffff:127.0.0.1]:9');
});
