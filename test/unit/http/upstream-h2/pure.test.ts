// The pure parts of HTTP/2 to the app: the request head as h2 fields, h2 response fields as a
// ResponseHead, gRPC's timeout syntax and its failure answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResBody } from '../../../../src/http/response-head.ts';
import { lastChunkWithTrailers } from '../../../../src/http/trailers-h1.ts';
import {
  GrpcStatus,
  grpcFailureFields,
  grpcStatusFor,
  h2RequestFields,
  h2ResponseHead,
  parseGrpcTimeout,
} from '../../../../src/http/upstream-h2/index.ts';

const head = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

test('a request head becomes h2 fields: Host is :authority, connection-specific fields go', () => {
  const r = h2RequestFields(
    head([
      'POST /api/x?y=1 HTTP/1.1',
      'Host: app.example',
      'Connection: keep-alive',
      'Keep-Alive: timeout=5',
      'Transfer-Encoding: chunked',
      'TE: gzip',
      'Upgrade: websocket',
      'X-Forwarded-For: 192.0.2.1',
      'Accept: a',
      'Accept: b',
    ]),
    'http',
    'fallback:1',
  );
  assert.deepEqual(r.headers, {
    ':method': 'POST',
    ':scheme': 'http',
    ':path': '/api/x?y=1',
    ':authority': 'app.example',
    'x-forwarded-for': '192.0.2.1',
    accept: ['a', 'b'],
  });
  assert.equal(r.grpc, false);
  assert.equal(r.deadlineMs, undefined);
  const noHost = h2RequestFields(head(['GET / HTTP/1.0']), 'https', '127.0.0.1:8443');
  assert.equal(noHost.headers[':authority'], '127.0.0.1:8443');
  assert.equal(noHost.headers[':scheme'], 'https');
});

test('a gRPC request is recognised, gets te: trailers, and carries its deadline', () => {
  const r = h2RequestFields(
    head([
      'POST /pkg.Svc/M HTTP/1.1',
      'Host: h',
      'Content-Type: application/grpc+proto',
      'grpc-timeout: 250m',
    ]),
    'http',
    'h',
  );
  assert.equal(r.grpc, true);
  assert.equal(r.deadlineMs, 250);
  assert.equal(r.headers.te, 'trailers');
  assert.equal(
    h2RequestFields(head(['POST / HTTP/1.1', 'Content-Type: application/grpc-web']), 'http', 'h').grpc,
    false,
  );
});

test('grpc-timeout: every unit, and malformed values ignored', () => {
  assert.equal(parseGrpcTimeout('1H'), 3_600_000);
  assert.equal(parseGrpcTimeout('2M'), 120_000);
  assert.equal(parseGrpcTimeout('3S'), 3000);
  assert.equal(parseGrpcTimeout('40m'), 40);
  assert.equal(parseGrpcTimeout('5000u'), 5);
  assert.equal(parseGrpcTimeout('1000000n'), 1);
  for (const bad of ['', '10', '123456789S', '1.5S', '-1S', '10s', 'S'])
    assert.equal(parseGrpcTimeout(bad), undefined, bad);
});

test('failures map to gRPC statuses, with a percent-encoded message', () => {
  assert.equal(grpcStatusFor('ECONNREFUSED'), GrpcStatus.unavailable);
  assert.equal(grpcStatusFor('CONNECT_TIMEOUT'), GrpcStatus.unavailable);
  assert.equal(grpcStatusFor('RESPONSE_TIMEOUT'), GrpcStatus.deadlineExceeded);
  assert.equal(grpcStatusFor('DEADLINE_EXCEEDED'), GrpcStatus.deadlineExceeded);
  assert.deepEqual(grpcFailureFields(14, 'connection refused by 127.0.0.1:1'), [
    ['content-type', 'application/grpc'],
    ['grpc-status', '14'],
    ['grpc-message', 'connection%20refused%20by%20127.0.0.1%3A1'],
  ]);
});

test('h2 response fields become a ResponseHead the fronts can send', () => {
  const withLength = h2ResponseHead({ ':status': '200', 'content-length': '5', 'x-a': '1' }, false, false);
  assert.ok(!('reason' in withLength));
  assert.equal(withLength.status, 200);
  assert.equal(withLength.body, ResBody.length);
  assert.equal(withLength.contentLength, 5);
  const streamed = h2ResponseHead({ ':status': '200', 'content-type': 'text/plain' }, false, false);
  assert.ok(!('reason' in streamed));
  assert.equal(streamed.body, ResBody.chunked, 'no length: re-chunked for HTTP/1.1 clients');
  const empty = h2ResponseHead({ ':status': '204' }, true, false);
  assert.ok(!('reason' in empty));
  assert.equal(empty.body, ResBody.none);
  const trailersOnly = h2ResponseHead(
    { ':status': '200', 'content-type': 'application/grpc', 'grpc-status': '14' },
    true,
    false,
  );
  assert.ok(!('reason' in trailersOnly));
  assert.equal(trailersOnly.body, ResBody.none);
  const bad = h2ResponseHead({ ':status': '200', 'x-bad': 'a\rb' }, false, false);
  assert.ok('reason' in bad, 'a field value with CR is refused, as from an HTTP/1.1 app');
  const noStatus = h2ResponseHead({}, false, false);
  assert.ok('reason' in noStatus);
});

test('trailers toward an HTTP/1.1 client: framing and routing fields never, bad names or values left out', () => {
  const block = lastChunkWithTrailers({
    'grpc-status': '0',
    'x-sum': ['a', 'b'],
    'content-length': '5',
    'transfer-encoding': 'chunked',
    host: 'evil',
    'set-cookie': ['a=b'],
    'bad name': 'x',
    'x-crlf': 'a\r\nInjected: 1',
  }).toString('latin1');
  assert.equal(block, '0\r\ngrpc-status: 0\r\nx-sum: a\r\nx-sum: b\r\n\r\n');
});
