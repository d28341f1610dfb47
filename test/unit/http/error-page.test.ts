import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorBody, errorResponse } from '../../../src/http/error-page.ts';

test('error pages: HTML for browsers, one text line otherwise, Content-Length exact', () => {
  assert.equal(errorBody(502, false).body.toString(), '502 Bad Gateway\n');
  assert.match(errorBody(504, true).body.toString(), /<title>504 Gateway Timeout<\/title>/);
  const res = errorResponse(400, false, true).toString();
  assert.equal(
    res,
    'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\n' +
      'cache-control: no-store\r\nconnection: close\r\n\r\n400 Bad Request\n',
  );
});

test('error responses to HEAD carry the head only', () => {
  const res = errorResponse(502, true, false, true).toString();
  assert.match(res, /content-length: \d+\r\ncache-control: no-store\r\n\r\n$/);
  assert.doesNotMatch(res, /connection: close/);
});
