import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldIndex } from '../../../src/http/field-lines.ts';
import { forwardedParts } from '../../../src/http/forwarded.ts';
import {
  buildClientResponseHead,
  buildUpstreamRequest,
  Conn,
  type ForwardContext,
} from '../../../src/http/head-builder.ts';
import { parseRequestHead, RequestHead } from '../../../src/http/request-head.ts';
import { parseResponseHead } from '../../../src/http/response-head.ts';

const req = (raw: string): RequestHead => {
  const buf = Buffer.from(raw, 'latin1');
  const h = parseRequestHead(buf, 0, buf.length, new FieldIndex(128));
  assert.ok(h instanceof RequestHead, JSON.stringify(h));
  return h;
};
const ctx = (address = '192.0.2.7', trust = false): ForwardContext => ({
  parts: forwardedParts(address),
  trust,
  upstreamHost: Buffer.from('127.0.0.1:3000'),
});
const upstream = (raw: string, c = ctx()) => buildUpstreamRequest(req(raw), c).toString('latin1');

describe('request head for the upstream', () => {
  test('kept fields are copied verbatim and forwarding fields appended', () => {
    assert.equal(
      upstream('GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n'),
      'GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\nUser-Agent: t\r\nAccept: */*\r\nvia: 1.1 tlsterm\r\n' +
        'x-forwarded-for: 192.0.2.7\r\nx-forwarded-proto: https\r\nforwarded: for=192.0.2.7;proto=https;host=a.test\r\n' +
        'x-forwarded-host: a.test\r\n\r\n',
    );
  });
  test('Via (RFC 9110 §7.6.3): ours is added with the protocol the request came in with', () => {
    assert.match(upstream('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), /\r\nvia: 1\.1 tlsterm\r\n/);
    assert.match(upstream('GET / HTTP/1.0\r\nHost: a\r\n\r\n'), /\r\nvia: 1\.0 tlsterm\r\n/);
  });
  test('Via: incoming entries are kept, in order, on one line with ours last', () => {
    const out = upstream(
      'GET / HTTP/1.1\r\nHost: a\r\nVia: 1.1 edge-1, 1.0 cache\r\nX-Kept: 1\r\nvia:  2 cdn \r\n\r\n',
    );
    assert.equal(out.match(/^via:/gim)?.length, 1, out);
    assert.match(out, /\r\nvia: 1\.1 edge-1, 1\.0 cache, 2 cdn, 1\.1 tlsterm\r\n/);
    assert.match(out, /\r\nX-Kept: 1\r\n/);
  });
  test('Via off: no entry of ours, incoming Via lines pass through as they are', () => {
    const out = upstream('GET / HTTP/1.1\r\nHost: a\r\nVia: 1.1 edge\r\n\r\n', { ...ctx(), via: false });
    assert.match(out, /\r\nVia: 1\.1 edge\r\n/);
    assert.doesNotMatch(out, /tlsterm/);
  });
  test('incoming X-Forwarded-Client-Cert and X-Client-Verify never reach the upstream', () => {
    const out = upstream(
      'GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-Client-Cert: Hash=forged\r\nx-client-verify: SUCCESS\r\n\r\n',
    );
    assert.doesNotMatch(out, /forged|x-client-verify/i, out);
  });
  test('hop-by-hop fields and the ones named by Connection are removed', () => {
    const out = upstream(
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Private\r\nKeep-Alive: 5\r\nTE: trailers\r\n' +
        'Proxy-Connection: x\r\nX-Private: secret\r\nTrailer: X\r\nUpgrade: h2c\r\nX-Kept: 1\r\n\r\n',
    );
    assert.match(out, /X-Kept: 1\r\n/);
    for (const gone of [
      'Connection:',
      'Keep-Alive',
      'TE:',
      'Proxy-Connection',
      'X-Private',
      'Trailer',
      'Upgrade',
    ])
      assert.ok(!out.includes(gone), `${gone} should be removed:\n${out}`);
  });
  test('Connection cannot make us drop framing fields', () => {
    const out = upstream(
      'POST / HTTP/1.1\r\nHost: a\r\nConnection: content-length\r\nContent-Length: 2\r\n\r\n',
    );
    assert.match(out, /Content-Length: 2\r\n/);
  });
  test('spoofed X-Forwarded-* and Forwarded are replaced', () => {
    const out = upstream(
      'GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: evil\r\nForwarded: for=6.6.6.6\r\n\r\n',
    );
    assert.ok(!out.includes('6.6.6.6') && !out.includes('evil') && !out.includes('proto: http\r'), out);
    assert.match(out, /x-forwarded-for: 192\.0\.2\.7\r\n/);
  });
  test('with trustForwarded, incoming chains are appended to', () => {
    const out = upstream(
      'GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 198.51.100.1\r\nForwarded: for=198.51.100.1\r\nX-Forwarded-Proto: http\r\n\r\n',
      ctx('192.0.2.7', true),
    );
    assert.match(out, /x-forwarded-for: 198\.51\.100\.1, 192\.0\.2\.7\r\n/);
    assert.match(out, /forwarded: for=198\.51\.100\.1, for=192\.0\.2\.7;proto=https;host=a\r\n/);
    assert.match(out, /X-Forwarded-Proto: http\r\n/);
    assert.match(out, /x-forwarded-host: a\r\n/);
  });
  test('IPv6 clients are bracketed and quoted in Forwarded; host:port is quoted', () => {
    const out = upstream('GET / HTTP/1.1\r\nHost: a.test:8443\r\n\r\n', ctx('2001:db8::1'));
    assert.match(out, /x-forwarded-for: 2001:db8::1\r\n/);
    assert.match(out, /forwarded: for="\[2001:db8::1\]";proto=https;host="a\.test:8443"\r\n/);
  });
  test('IPv4-mapped client addresses are logged as IPv4', () =>
    assert.match(
      upstream('GET / HTTP/1.1\r\nHost: a\r\n\r\n', ctx('::ffff:10.0.0.1')),
      /x-forwarded-for: 10\.0\.0\.1\r\n/,
    ));
  test('absolute-form becomes origin-form with Host from the target', () => {
    const out = upstream('GET http://b.test/x?y HTTP/1.1\r\nHost: ignored\r\n\r\n');
    assert.match(out, /^GET \/x\?y HTTP\/1\.1\r\nhost: b\.test\r\n/);
    assert.ok(!out.includes('ignored'));
    assert.match(upstream('GET http://b.test HTTP/1.1\r\nHost: b.test\r\n\r\n'), /^GET \/ HTTP\/1\.1\r\n/);
    assert.match(
      upstream('GET http://b.test?q HTTP/1.1\r\nHost: b.test\r\n\r\n'),
      /^GET \/\?q HTTP\/1\.1\r\n/,
    );
  });
  test('an HTTP/1.0 request without Host is sent as HTTP/1.1 with the upstream authority', () => {
    assert.match(upstream('GET / HTTP/1.0\r\n\r\n'), /^GET \/ HTTP\/1\.1\r\nhost: 127\.0\.0\.1:3000\r\n/);
  });
  test('an upgrade keeps Upgrade and says Connection: upgrade', () => {
    const out = upstream(
      'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: k\r\n\r\n',
    );
    assert.match(out, /Upgrade: websocket\r\n/);
    assert.match(out, /connection: upgrade\r\n/);
  });
});

describe('response head for the client', () => {
  const res = (raw: string) => {
    const buf = Buffer.from(raw, 'latin1');
    const h = parseResponseHead(buf, 0, buf.length, new FieldIndex(128), false);
    assert.ok(!('reason' in h));
    return h;
  };
  test('status line re-issued as HTTP/1.1; hop-by-hop removed; framing set by the caller', () => {
    const out = buildClientResponseHead(
      res(
        'HTTP/1.0 200 Fine\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\nServer: s\r\n\r\n',
      ),
      true,
      Conn.none,
    ).toString('latin1');
    assert.equal(out, 'HTTP/1.1 200 Fine\r\nServer: s\r\ntransfer-encoding: chunked\r\n\r\n');
  });
  test('Connection: close is added when the client connection will end', () => {
    const out = buildClientResponseHead(
      res('HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n'),
      false,
      Conn.close,
    );
    assert.equal(
      out.toString('latin1'),
      'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nconnection: close\r\n\r\n',
    );
  });
});
