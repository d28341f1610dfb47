import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forwardedNode, forwardedValue, plainAddress } from '../../../src/http/forwarded.ts';

test('Forwarded for= node: IPv4 bare, IPv6 bracketed and quoted (RFC 7239 §6)', () => {
  assert.equal(forwardedNode('192.0.2.1'), '192.0.2.1');
  assert.equal(forwardedNode('2001:db8::1'), '"[2001:db8::1]"');
  assert.equal(forwardedNode(''), 'unknown');
});

test('Forwarded values are quoted only when they are not tokens', () => {
  assert.equal(forwardedValue('example.com'), 'example.com');
  assert.equal(forwardedValue('example.com:8443'), '"example.com:8443"');
  assert.equal(forwardedValue('a"b\\c'), '"a\\"b\\\\c"');
});

test('IPv4-mapped IPv6 addresses become plain IPv4', () => {
  assert.equal(plainAddress('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(plainAddress('::1'), '::1');
});
