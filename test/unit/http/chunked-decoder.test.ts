import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChunkedDecoder } from '../../../src/http/chunked-decoder.ts';
import type { HeadError } from '../../../src/http/head-errors.ts';

/** Decode a whole chunked body; returns the data or the error, and what followed the body. */
const decode = (body: string, maxTrailer = 1024): { data: string; rest: string } | HeadError => {
  const d = new ChunkedDecoder(maxTrailer);
  const buf = Buffer.from(body, 'latin1');
  let data = '';
  const r = d.execute(buf, 0, buf.length, { onBodyData: (c) => (data += c.toString('latin1')) });
  if (typeof r !== 'number') return r;
  assert.ok(d.done, 'body should be complete');
  return { data, rest: buf.toString('latin1', r) };
};

const fails = (body: string, reason: string, maxTrailer?: number) => {
  const r = decode(body, maxTrailer);
  assert.ok('reason' in r, `expected rejection of ${JSON.stringify(body)}`);
  assert.equal(r.reason, reason);
  assert.equal(r.status === 400 || r.status === 431, true);
};

describe('chunked framing (RFC 9112 §7.1)', () => {
  test('decodes chunks and stops right after the last CRLF', () => {
    assert.deepEqual(decode('3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\nGET'), {
      data: 'abc0123456789',
      rest: 'GET',
    });
  });
  test('upper and lower case hex sizes', () => {
    assert.deepEqual(decode('a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n'), {
      data: '01234567890123456789',
      rest: '',
    });
  });
  test('chunk-size must be hex digits only', () => fails('x\r\nabc\r\n0\r\n\r\n', 'invalid chunk size'));
  test('a 0x prefix is not a chunk-size', () => fails('0x3\r\nabc\r\n0\r\n\r\n', 'invalid chunk size'));
  test('a sign is not a chunk-size', () => fails('+3\r\nabc\r\n0\r\n\r\n', 'invalid chunk size'));
  test('a chunk-size that does not fit a safe integer is rejected', () =>
    fails('fffffffffffffffff\r\n', 'chunk size too large'));
  test('trailing junk after the size is rejected', () =>
    fails('3x\r\nabc\r\n0\r\n\r\n', 'invalid chunk size'));
  test('whitespace after the size is only allowed before an extension', () => {
    fails('3 \r\nabc\r\n0\r\n\r\n', 'invalid chunk size');
    assert.deepEqual(decode('3 ;a=b\r\nabc\r\n0\r\n\r\n'), { data: 'abc', rest: '' });
  });
  test('chunk extensions are accepted and bounded', () => {
    assert.deepEqual(decode('3;name="v a l"\r\nabc\r\n0;x\r\n\r\n'), { data: 'abc', rest: '' });
    fails(`3;${'a'.repeat(2000)}\r\nabc\r\n0\r\n\r\n`, 'chunk extensions too long');
  });
  test('the total of chunk extensions per message is bounded', () => {
    const many = `1;${'e'.repeat(1000)}\r\nx\r\n`.repeat(20);
    fails(`${many}0\r\n\r\n`, 'chunk extensions too long');
  });
  test('a control character in an extension is rejected', () =>
    fails('3;a\x01\r\nabc\r\n0\r\n\r\n', 'invalid chunk extension'));
  test('bare LF after the chunk-size is rejected', () => fails('3\nabc\r\n0\r\n\r\n', 'bare lf line ending'));
  test('CRLF after chunk data is required exactly', () => {
    fails('3\r\nabcd\r\n0\r\n\r\n', 'missing crlf after chunk data');
    fails('3\r\nabc\n0\r\n\r\n', 'missing crlf after chunk data');
    fails('3\r\nabc\r0\r\n\r\n', 'missing crlf after chunk data');
  });
  test('trailers are parsed and bounded', () => {
    assert.deepEqual(decode('3\r\nabc\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\nNEXT'), { data: 'abc', rest: 'NEXT' });
    fails(`0\r\nX: ${'v'.repeat(200)}\r\n\r\n`, 'trailer section too large', 100);
  });
  test('a malformed trailer line is rejected', () => {
    fails('0\r\nX : 1\r\n\r\n', 'whitespace between field name and colon');
    fails('0\r\n X: 1\r\n\r\n', 'obs-fold line folding');
    fails('0\r\nX: 1\n\r\n', 'bare lf line ending');
  });
  test('a body split at every byte decodes the same', () => {
    const body = Buffer.from('5;e=1\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n', 'latin1');
    const d = new ChunkedDecoder(1024);
    let data = '';
    for (let i = 0; i < body.length; i++) {
      const r = d.execute(body, i, i + 1, { onBodyData: (c) => (data += c.toString('latin1')) });
      assert.equal(typeof r, 'number');
    }
    assert.ok(d.done);
    assert.equal(data, 'hello world');
  });
});
