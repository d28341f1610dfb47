import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFieldValueString, isToken, isTokenString } from '../../../src/http/chars.ts';
import { forwardedHost } from '../../../src/http/head-builder.ts';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

test('a token is the same in its byte and its string form; an empty one is none', () => {
  for (const s of ['GET', 'x-custom', "!#$%&'*+-.^_`|~", '', 'a b', 'a:b', 'é', 'a\x7f']) {
    const b = bytes(s);
    assert.equal(isToken(b, 0, b.length), isTokenString(s), JSON.stringify(s));
  }
  assert.equal(isTokenString('x-custom'), true);
  assert.equal(isTokenString(''), false);
  // A code unit above 0xff is never a tchar (not its low byte's class).
  assert.equal(isTokenString('\u0141'), false);
});

test('a field value refuses CR, LF, NUL, DEL and characters above 0xff; keeps HTAB and obs-text', () => {
  assert.equal(isFieldValueString('text/html;\tq=0.9 é'), true);
  assert.equal(isFieldValueString(''), true);
  for (const bad of ['a\r\nb', 'a\nb', 'a\0b', 'a\x7fb', 'a\u0141b'])
    assert.equal(isFieldValueString(bad), false);
});

test('a Forwarded host= is quoted unless it is a token', () => {
  assert.equal(forwardedHost('example.com'), 'example.com');
  assert.equal(forwardedHost('example.com:8443'), '"example.com:8443"');
  assert.equal(forwardedHost(''), '');
});
