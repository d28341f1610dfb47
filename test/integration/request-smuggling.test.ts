// Classic request-smuggling payloads (RFC 9112 §11.2) sent over a raw socket to serveHttp1, in front
// of a deliberately lenient upstream that records every byte it receives. Each payload must get a
// 4xx/5xx from the proxy and nothing smuggled may reach the upstream.

import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Front, rawExchange, startFront, startRawServer } from './http-harness.ts';

let front: Front;
let upstream: { port: number; close(): Promise<void> };
/** Everything the upstream has received, per test. */
let received = '';
let upstreamConnections = 0;

before(async () => {
  // Lenient on purpose: it answers every "request line" it can find, LF or CRLF, whatever the framing.
  upstream = await startRawServer((s: net.Socket) => {
    upstreamConnections++;
    s.on('data', (c: Buffer) => {
      const text = c.toString('latin1');
      received += text;
      const lines = text.match(/^(GET|POST|PUT|DELETE|HEAD) \S+ HTTP\/1\.[01]/gm) ?? [];
      for (let i = 0; i < lines.length; i++) s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
  });
  front = await startFront(null, { upstream: `http://127.0.0.1:${upstream.port}`, plain: true });
});

after(async () => {
  await front.close();
  await upstream.close();
});

interface Case {
  readonly name: string;
  readonly payload: string;
  readonly status: number;
  readonly reason: string;
}

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n';

const cases: Case[] = [
  {
    name: 'CL.TE: Content-Length and Transfer-Encoding together',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'content-length with transfer-encoding',
  },
  {
    name: 'TE.CL: Transfer-Encoding first, Content-Length second',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    status: 400,
    reason: 'content-length with transfer-encoding',
  },
  {
    name: 'TE.TE: Transfer-Encoding: xchunked',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'transfer-encoding without final chunked',
  },
  {
    name: 'TE.TE: space before the colon ("Transfer-Encoding : chunked")',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'whitespace between field name and colon',
  },
  {
    name: 'TE.TE: second Transfer-Encoding naming another coding',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'transfer-encoding without final chunked',
  },
  {
    name: 'TE.TE: quoted "chunked"',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "chunked"\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'invalid transfer-encoding',
  },
  {
    name: 'TE.TE: chunked, identity',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'transfer-encoding without final chunked',
  },
  {
    name: 'TE.TE: Transfer-Encoding with a tab and a Content-Length',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'content-length with transfer-encoding',
  },
  {
    name: 'obs-fold hiding Transfer-Encoding',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nX-Foo: bar\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'obs-fold line folding',
  },
  {
    name: 'obs-fold continuing Transfer-Encoding',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'obs-fold line folding',
  },
  {
    name: 'bare LF hiding Transfer-Encoding inside another field',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nX-Foo: bar\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'bare lf line ending',
  },
  {
    name: 'bare LF line endings throughout',
    payload: `GET / HTTP/1.1\nHost: a\nContent-Length: ${SMUGGLED.length}\n\n${SMUGGLED}`,
    status: 400,
    reason: 'bare lf line ending',
  },
  {
    name: 'bare CR as a line ending',
    payload: `GET / HTTP/1.1\r\nHost: a\rContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'bare cr',
  },
  {
    name: 'duplicated Content-Length (different values)',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'duplicate content-length',
  },
  {
    name: 'duplicated Content-Length (equal values)',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd${SMUGGLED}`,
    status: 400,
    reason: 'duplicate content-length',
  },
  {
    name: 'Content-Length as a list',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'invalid content-length',
  },
  {
    name: 'signed Content-Length',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'invalid content-length',
  },
  {
    name: 'Transfer-Encoding in HTTP/1.0',
    payload: `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'transfer-encoding in http/1.0',
  },
  {
    name: 'chunk-size with a 0x prefix',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'invalid chunk size',
  },
  {
    name: 'chunk-size overflow (wraps to 0 in 64-bit parsers)',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'chunk size too large',
  },
  {
    name: 'chunk data longer than its size (no CRLF after data)',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA${SMUGGLED}\r\n0\r\n\r\n`,
    status: 400,
    reason: 'missing crlf after chunk data',
  },
  {
    name: 'bare LF after the chunk-size',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\n\n${SMUGGLED}`,
    status: 400,
    reason: 'bare lf line ending',
  },
  {
    name: 'LF inside a chunk extension',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\nxx\r\nhello\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'bare lf line ending',
  },
  {
    name: 'two Host fields',
    payload: `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'multiple host',
  },
  {
    name: 'whitespace in the request-target',
    payload: `GET /a ${SMUGGLED}`,
    status: 400,
    reason: 'invalid http version',
  },
  {
    name: 'NUL in a field value',
    payload: `POST / HTTP/1.1\r\nHost: a\r\nX: a\x00Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    reason: 'invalid character in field value',
  },
];

describe('request smuggling payloads are refused', () => {
  for (const c of cases) {
    test(c.name, async () => {
      received = '';
      const logsBefore = front.logs.length;
      const r = await rawExchange(front.port, c.payload, { plain: true, idleMs: 800 });
      const statusLine = r.response.slice(0, r.response.indexOf('\r\n'));
      assert.match(
        statusLine,
        new RegExp(`^HTTP/1\\.1 ${c.status} `),
        `response: ${JSON.stringify(r.response)}`,
      );
      assert.match(r.response, /\r\nconnection: close\r\n/i);
      // Exactly one response: the proxy answered, then closed; nothing came from the upstream.
      assert.equal(r.response.match(/HTTP\/1\.1 /g)?.length, 1, r.response);
      assert.ok(r.closed, 'the connection must be closed after the error');
      assert.doesNotMatch(
        received,
        /\/smuggled/,
        `smuggled request reached the upstream: ${JSON.stringify(received)}`,
      );
      const ev = front.logs.slice(logsBefore).find((e) => e.event === 'http_rejected');
      assert.ok(ev, 'an http_rejected event is logged');
      assert.equal(ev.status, c.status);
      assert.equal(ev.reason, c.reason);
      assert.match(String(ev.client), /^127\.0\.0\.1:\d+$/);
    });
  }

  test('rejections at the head stage never open an upstream connection', async () => {
    const before = upstreamConnections;
    received = '';
    await rawExchange(
      front.port,
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
      {
        plain: true,
        idleMs: 500,
      },
    );
    assert.equal(received, '');
    assert.equal(upstreamConnections, before);
  });

  test('control: a valid pipelined pair is forwarded as two requests, in order', async () => {
    received = '';
    const r = await rawExchange(
      front.port,
      'POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /two HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      { plain: true, idleMs: 800 },
    );
    assert.equal(r.response.match(/HTTP\/1\.1 200 OK/g)?.length, 2, r.response);
    assert.match(received, /^POST \/one HTTP\/1\.1\r\n[\s\S]*\r\n\r\nabcGET \/two HTTP\/1\.1\r\n/);
  });

  test('control: a chunked body reaches the upstream re-framed, extensions and trailers dropped', async () => {
    received = '';
    const r = await rawExchange(
      front.port,
      'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
        '3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n',
      { plain: true, idleMs: 800 },
    );
    assert.match(r.response, /^HTTP\/1\.1 200 OK/);
    assert.match(received, /\r\n\r\n3\r\nabc\r\n0\r\n\r\n$/);
    assert.doesNotMatch(received, /ext=1|X-Trailer/);
  });
});
