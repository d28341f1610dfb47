import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Body } from '../../../src/http/request-head.ts';
import { collect, rejection } from './collect.ts';

const ok = (raw: string) => {
  const seen = collect([raw]);
  assert.equal(seen.error, null, `unexpected rejection: ${JSON.stringify(seen.error)}`);
  assert.ok(seen.requests.length >= 1);
  return seen.requests[0]!;
};

const rejects = (raw: string, status: number, reason?: string) => {
  const r = rejection(raw);
  assert.ok(r !== null, 'expected a rejection');
  assert.equal(r.status, status, `status for ${JSON.stringify(raw)}: ${JSON.stringify(r)}`);
  if (reason !== undefined) assert.equal(r.reason, reason);
};

describe('request-line (RFC 9112 §3)', () => {
  test('double SP between method and target is rejected', () =>
    rejects('GET  / HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'invalid request line'));
  test('double SP before the version is rejected', () => rejects('GET /  HTTP/1.1\r\nHost: a\r\n\r\n', 400));
  test('a method that is not a token is rejected', () =>
    rejects('G(T / HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'invalid method'));
  test('a tab instead of SP is rejected', () => rejects('GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n', 400));
  test('HTTP/2.0 on an HTTP/1 connection is 505', () =>
    rejects('GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505, 'unsupported http version'));
  test('HTTP/1.2 is 505', () => rejects('GET / HTTP/1.2\r\nHost: a\r\n\r\n', 505));
  test('a lower-case or malformed version is 400', () => {
    rejects('GET / http/1.1\r\nHost: a\r\n\r\n', 400, 'invalid http version');
    rejects('GET / HTTP/1.10\r\nHost: a\r\n\r\n', 400);
    rejects('GET / HTTP/1\r\nHost: a\r\n\r\n', 400);
  });
  test('a target with a control character is rejected', () =>
    rejects('GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n', 400));
  test('asterisk-form is only for OPTIONS', () => {
    rejects('GET * HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'invalid request target');
    assert.equal(ok('OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n').target, '*');
  });
  test('a target that is neither origin- nor absolute-form is rejected', () =>
    rejects('GET foo HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'invalid request target'));
  test('CONNECT is refused with 405', () =>
    rejects('CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n', 405, 'connect not supported'));
});

describe('line endings', () => {
  test('bare LF ending the request-line is rejected', () =>
    rejects('GET / HTTP/1.1\nHost: a\r\n\r\n', 400, 'bare lf line ending'));
  test('bare LF ending a field line is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\n\r\n', 400, 'bare lf line ending'));
  test('a head terminated by LF LF is rejected without waiting for CRLFCRLF', () =>
    rejects('GET / HTTP/1.1\nHost: a\n\n', 400, 'bare lf line ending'));
  test('bare CR inside a field value is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n', 400));
  test('bare CR ending the request-line is rejected', () => rejects('GET / HTTP/1.1\rHost: a\r\n\r\n', 400));
});

describe('field lines (RFC 9112 §5)', () => {
  test('obs-fold (a line starting with SP) is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n', 400, 'obs-fold line folding'));
  test('obs-fold with HTAB is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n', 400));
  test('whitespace before the first field is rejected', () =>
    rejects('GET / HTTP/1.1\r\n Host: a\r\n\r\n', 400));
  test('whitespace between field name and colon is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400, 'whitespace between field name and colon'));
  test('a field name that is not a token is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n', 400, 'invalid field name'));
  test('a field line without a colon is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n', 400));
  test('an empty field name is rejected', () => rejects('GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n', 400));
  test('NUL in a field value is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n', 400, 'invalid character in field value'));
  test('a control character in a field value is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nX: a\x1bb\r\n\r\n', 400));
  test('DEL in a field value is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n', 400));
  test('HTAB and obs-text in a value are accepted, surrounding OWS trimmed', () => {
    const r = ok('GET / HTTP/1.1\r\nHost: a\r\nX:  a\tb\xe9 \t\r\nEmpty:\r\n\r\n');
    assert.deepEqual(r.headers[1], ['X', 'a\tb\xe9']);
    assert.deepEqual(r.headers[2], ['Empty', '']);
  });
});

describe('message body length (RFC 9112 §6.3)', () => {
  test('Transfer-Encoding together with Content-Length is rejected', () =>
    rejects(
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      400,
      'content-length with transfer-encoding',
    ));
  test('a transfer coding other than chunked is rejected (xchunked)', () =>
    rejects(
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n',
      400,
      'transfer-encoding without final chunked',
    ));
  test('chunked that is not the final coding is rejected', () =>
    rejects('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 400));
  test('a second Transfer-Encoding line naming another coding is rejected', () =>
    rejects(
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n',
      400,
    ));
  test('codings we do not implement before chunked are 501', () =>
    rejects(
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
      501,
      'unsupported transfer-encoding',
    ));
  test('chunked applied twice is rejected', () =>
    rejects(
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n',
      400,
      'chunked applied more than once',
    ));
  test('chunked with parameters is rejected', () =>
    rejects('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n\r\n', 400));
  test('an empty Transfer-Encoding is rejected', () =>
    rejects('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n', 400));
  test('Transfer-Encoding in an HTTP/1.0 request is rejected', () =>
    rejects('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400, 'transfer-encoding in http/1.0'));
  test('duplicate Content-Length is rejected even with equal values', () =>
    rejects(
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc',
      400,
      'duplicate content-length',
    ));
  test('a Content-Length list is rejected', () =>
    rejects('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc', 400, 'invalid content-length'));
  for (const bad of ['-1', '+3', '0x10', '3 3', '', '1e3', '1234567890123456', ' 3a']) {
    test(`invalid Content-Length ${JSON.stringify(bad)} is rejected`, () =>
      rejects(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${bad}\r\n\r\n`, 400, 'invalid content-length'));
  }
  test('Content-Length with leading zeros is a plain number', () => {
    const r = ok('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 003\r\n\r\nabc');
    assert.equal(r.body, 'abc');
  });
  test('Transfer-Encoding value is case-insensitive and OWS-trimmed', () => {
    const r = ok('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  Chunked \r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    assert.equal(r.bodyKind, Body.chunked);
    assert.equal(r.body, 'abc');
  });
});

describe('Host (RFC 9112 §3.2)', () => {
  test('missing Host in HTTP/1.1 is rejected', () => rejects('GET / HTTP/1.1\r\n\r\n', 400, 'missing host'));
  test('multiple Host fields are rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, 'multiple host'));
  test('an invalid Host value is rejected', () => {
    rejects('GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 400, 'invalid host');
    rejects('GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', 400, 'invalid host');
    rejects('GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n', 400, 'invalid host');
    rejects('GET / HTTP/1.1\r\nHost: user@a\r\n\r\n', 400, 'invalid host');
    rejects('GET / HTTP/1.1\r\nHost:\r\n\r\n', 400, 'invalid host');
  });
  test('HTTP/1.0 without Host is accepted', () => {
    const r = ok('GET / HTTP/1.0\r\n\r\n');
    assert.equal(r.host, undefined);
    assert.equal(r.keepAlive, false);
  });
  test('IPv6 literal with port is accepted', () =>
    assert.equal(ok('GET / HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n').host, '[::1]:8443'));
  test('absolute-form: the authority replaces Host', () => {
    const r = ok('GET http://b.example:8080/p?q HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.equal(r.host, 'b.example:8080');
  });
});

describe('limits', () => {
  test('a head larger than maxHeaderBytes is 431', () => {
    const err = collect([`GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(2000)}\r\n\r\n`], 1024).error;
    assert.equal(err?.status, 431);
  });
  test('an endless head is 431 as soon as it passes the limit', () => {
    const err = collect(['GET / HTTP/1.1\r\nHost: a\r\n', `X: ${'a'.repeat(3000)}`], 1024).error;
    assert.equal(err?.status, 431);
  });
  test('more than 128 fields is 431', () => {
    const many = Array.from({ length: 130 }, (_, i) => `X-${i}: v\r\n`).join('');
    rejects(`GET / HTTP/1.1\r\nHost: a\r\n${many}\r\n`, 431, 'too many header fields');
  });
});

describe('other request semantics', () => {
  test('an expectation other than 100-continue is 417', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n', 417));
  test('Connection: close ends keep-alive; HTTP/1.0 keep-alive opts in', () => {
    assert.equal(ok('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n').keepAlive, false);
    assert.equal(ok('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').keepAlive, true);
    assert.equal(ok('GET / HTTP/1.1\r\nHost: a\r\n\r\n').keepAlive, true);
  });
  test('a Connection value that is not a token list is rejected', () =>
    rejects('GET / HTTP/1.1\r\nHost: a\r\nConnection: a b\r\n\r\n', 400, 'invalid connection header'));
  test('an upgrade needs both Connection: upgrade and Upgrade', () => {
    assert.equal(
      ok('GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n').upgrade,
      true,
    );
    assert.equal(ok('GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n').upgrade, false);
  });
  test('empty lines before the request-line are ignored', () => {
    const r = ok('\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.equal(r.method, 'GET');
  });
  test('any token is a method', () =>
    assert.equal(ok('PROPFIND /x HTTP/1.1\r\nHost: a\r\n\r\n').method, 'PROPFIND'));
});
