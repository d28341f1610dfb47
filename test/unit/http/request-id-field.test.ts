// The request id toward the upstream: h1 (read from the field index, written into the head) and h2
// (read from the header list); an incoming sane id is kept, any other replaced, never duplicated.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldIndex } from '../../../src/http/field-lines.ts';
import { forwardedParts } from '../../../src/http/forwarded.ts';
import { type H2RequestFacts, parseH2Request } from '../../../src/http/h2-request.ts';
import { buildUpstreamRequest, type ForwardContext } from '../../../src/http/head-builder.ts';
import { parseRequestHead, RequestHead } from '../../../src/http/request-head.ts';
import { HeadLogFields } from '../../../src/http/request-id-field.ts';
import { defaultHttpOptions, type HttpOptions } from '../../../src/http/types.ts';

const req = (raw: string): RequestHead => {
  const buf = Buffer.from(raw, 'latin1');
  const h = parseRequestHead(buf, 0, buf.length, new FieldIndex(128));
  assert.ok(h instanceof RequestHead, JSON.stringify(h));
  return h;
};
const ctx: ForwardContext = {
  parts: forwardedParts('192.0.2.7'),
  trust: false,
  upstreamHost: Buffer.from('127.0.0.1:3000'),
};

const h1 = (raw: string, name: string | false = 'x-request-id') => {
  const head = req(raw);
  const f = new HeadLogFields();
  f.read(head, name);
  const out = buildUpstreamRequest(
    head,
    ctx,
    null,
    name === false || f.line === null ? null : { name, line: f.line },
  );
  return { f, out: out.toString('latin1') };
};

test('h1: a sane incoming id is kept and sent once; the user agent is read', () => {
  const { f, out } = h1('GET / HTTP/1.1\r\nHost: a\r\nX-Request-ID: abc-1\r\nUser-Agent: ua/1\r\n\r\n');
  assert.equal(f.requestId, 'abc-1');
  assert.equal(f.userAgent, 'ua/1');
  assert.equal(out.match(/x-request-id/gi)?.length, 1, out);
  assert.match(out, /\r\nx-request-id: abc-1\r\n/);
  assert.match(out, /\r\nUser-Agent: ua\/1\r\n/, 'other fields untouched');
});

test('h1: an insane or missing id is replaced by a made one, which the upstream gets', () => {
  const long = h1(`GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: ${'x'.repeat(129)}\r\n\r\n`);
  assert.notEqual(long.f.requestId, 'x'.repeat(129));
  assert.equal(long.out.match(/x-request-id/gi)?.length, 1);
  assert.ok(long.out.includes(`x-request-id: ${long.f.requestId}\r\n`));
  const none = h1('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.ok(none.out.includes(`x-request-id: ${none.f.requestId}\r\n`));
  assert.equal(none.f.userAgent, null);
});

test('h1: request_id_header false sends none of ours and passes an incoming one through', () => {
  const { f, out } = h1('GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: keep me\r\n\r\n', false);
  assert.notEqual(f.requestId, 'keep me', 'logged: a made id');
  assert.equal(f.line, null);
  assert.match(out, /\r\nX-Request-Id: keep me\r\n/);
  assert.equal(out.match(/x-request-id/gi)?.length, 1);
});

const h2 = (headers: [string, string][], opts: Partial<HttpOptions> = {}) => {
  const raw = [':method', 'GET', ':scheme', 'https', ':path', '/', ':authority', 'a.test', ...headers.flat()];
  const into: H2RequestFacts = {
    method: '',
    path: '',
    host: '',
    isHead: false,
    html: false,
    userAgent: null,
    requestId: '',
  };
  const site = {
    opts: { ...defaultHttpOptions, ...opts },
    parts: forwardedParts('192.0.2.7'),
    fixedForwarded: 'x-forwarded-for: 192.0.2.7',
    via: false,
  };
  const r = parseH2Request(raw, site, true, into);
  assert.ok(typeof r !== 'string', String(r));
  return { into, head: r.head.toString('latin1') };
};

test('h2: the same rules, with a configured header name', () => {
  const kept = h2(
    [
      ['x-correlation-id', 'c-9'],
      ['user-agent', 'h2ua'],
    ],
    { requestIdHeader: 'x-correlation-id' },
  );
  assert.equal(kept.into.requestId, 'c-9');
  assert.equal(kept.into.userAgent, 'h2ua');
  assert.equal(kept.head.match(/x-correlation-id/g)?.length, 1, kept.head);
  assert.match(kept.head, /\r\nx-correlation-id: c-9\r\n/);
  const made = h2([['x-request-id', 'two words']]);
  assert.notEqual(made.into.requestId, 'two words');
  assert.equal(made.head.match(/x-request-id/g)?.length, 1);
  assert.ok(made.head.includes(`x-request-id: ${made.into.requestId}\r\n`));
});
