import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldIndex } from '../../../src/http/field-lines.ts';
import { parseResponseHead, ResBody } from '../../../src/http/response-head.ts';

const parse = (raw: string, isHead = false) => {
  const buf = Buffer.from(raw, 'latin1');
  return parseResponseHead(buf, 0, buf.length, new FieldIndex(128), isHead);
};
const reason = (raw: string): string => {
  const r = parse(raw);
  assert.ok('reason' in r, `expected ${JSON.stringify(raw)} to be refused`);
  return r.reason;
};
const head = (raw: string, isHead = false) => {
  const r = parse(raw, isHead);
  assert.ok(!('reason' in r), `unexpected refusal: ${JSON.stringify(r)}`);
  return r;
};

describe('upstream response heads', () => {
  test('status line must be HTTP/1.x SP 3DIGIT', () => {
    assert.equal(reason('HTTP/2 200 OK\r\n\r\n'), 'invalid status line');
    assert.equal(reason('HTTP/1.1 20 OK\r\n\r\n'), 'invalid status line');
    assert.equal(reason('HTTP/1.1 099 Low\r\n\r\n'), 'invalid status line');
    assert.equal(reason('HTTP/1.1  200 OK\r\n\r\n'), 'invalid status line');
    assert.equal(reason('HTTP/1.1 200 OK\nX: y\r\n\r\n'), 'bare lf line ending');
  });
  test('an empty reason phrase, with or without SP, is fine', () => {
    assert.equal(head('HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n').status, 200);
    assert.equal(head('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n').status, 200);
  });
  test('Content-Length with Transfer-Encoding is refused', () =>
    assert.equal(
      reason('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'),
      'content-length with transfer-encoding',
    ));
  test('duplicate Content-Length is refused', () =>
    assert.equal(
      reason('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n'),
      'duplicate content-length',
    ));
  test('a transfer coding other than chunked is refused', () =>
    assert.equal(
      reason('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'),
      'unsupported transfer-encoding',
    ));
  test('obs-fold is refused in responses too', () =>
    assert.equal(
      reason('HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n'),
      'obs-fold line folding',
    ));
  test('framing decisions (RFC 9112 §6.3)', () => {
    assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n').body, ResBody.length);
    assert.equal(head('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n').body, ResBody.chunked);
    const close = head('HTTP/1.1 200 OK\r\n\r\n');
    assert.equal(close.body, ResBody.close);
    assert.equal(close.keepAlive, false);
    assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', true).body, ResBody.none);
    assert.equal(head('HTTP/1.1 304 Not Modified\r\n\r\n').body, ResBody.none);
    assert.equal(head('HTTP/1.1 204 No Content\r\n\r\n').body, ResBody.none);
  });
  test('keep-alive: 1.1 unless close, 1.0 only with keep-alive', () => {
    assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').keepAlive, true);
    assert.equal(head('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').keepAlive, false);
    assert.equal(head('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').keepAlive, false);
    assert.equal(
      head('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').keepAlive,
      true,
    );
  });
  test('fields named by Connection are collected for removal', () => {
    assert.deepEqual(
      head('HTTP/1.1 200 OK\r\nConnection: X-Secret, close\r\nContent-Length: 0\r\n\r\n').connectionNames,
      ['x-secret'],
    );
  });
});
