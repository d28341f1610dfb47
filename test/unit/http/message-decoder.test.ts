import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { HeadError } from '../../../src/http/head-errors.ts';
import { RequestDecoder, ResponseDecoder, type ResponseHandler } from '../../../src/http/message-decoder.ts';
import type { ResponseHead } from '../../../src/http/response-head.ts';
import { collect } from './collect.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Split `buf` at the given cut points (sorted, deduplicated, within bounds). */
const splitAt = (buf: Buffer, cuts: number[]): Buffer[] => {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out.filter((b) => b.length > 0);
};

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/);
const body = fc.string({ maxLength: 200 });

/** A valid request (with a body framed by Content-Length, chunked, or none). */
const request = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.stringMatching(/^\/[A-Za-z0-9/._~%?=&-]{0,30}$/),
    fields: fc.array(
      fc.tuple(
        token.filter(
          (t) => !/^(host|content-length|transfer-encoding|connection|expect|upgrade|te)$/i.test(t),
        ),
        fieldValue,
      ),
      { maxLength: 8 },
    ),
    framing: fc.constantFrom('none', 'length', 'chunked'),
    body,
    chunkSizes: fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 6 }),
  })
  .map((r) => {
    let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: example.test\r\n`;
    for (const [n, v] of r.fields) head += `${n}: ${v}\r\n`;
    let payload = '';
    if (r.framing === 'length') {
      head += `Content-Length: ${Buffer.byteLength(r.body, 'latin1')}\r\n`;
      payload = r.body;
    } else if (r.framing === 'chunked') {
      head += 'Transfer-Encoding: chunked\r\n';
      let rest = r.body;
      let i = 0;
      while (rest.length > 0) {
        const n = Math.min(rest.length, r.chunkSizes[i++ % Math.max(1, r.chunkSizes.length)] ?? rest.length);
        payload += `${n.toString(16)}\r\n${rest.slice(0, n)}\r\n`;
        rest = rest.slice(n);
      }
      payload += '0\r\n\r\n';
    }
    return Buffer.from(`${head}\r\n${payload}`, 'latin1');
  });

describe('RequestDecoder', () => {
  test('pipelined requests are decoded one after another', () => {
    const seen = collect([
      'GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: a\r\n\r\n',
    ]);
    assert.equal(seen.error, null);
    assert.deepEqual(
      seen.requests.map((r) => [r.method, r.target, r.body, r.ended]),
      [
        ['GET', '/a', '', true],
        ['POST', '/b', 'hi', true],
        ['GET', '/c', '', true],
      ],
    );
  });

  test('a halted decoder keeps pipelined bytes until resumed', () => {
    const heads: string[] = [];
    const d: RequestDecoder = new RequestDecoder(
      {
        onRequestHead: (h) => heads.push(h.target()),
        onRequestBody: () => {},
        onRequestEnd: () => {},
        onRequestError: (e) => assert.fail(e.reason),
      },
      16384,
    );
    d.push(Buffer.from('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n'));
    assert.deepEqual(heads, ['/1']);
    assert.ok(d.halted);
    assert.ok(d.pendingBytes > 0);
    d.resume();
    assert.deepEqual(heads, ['/1', '/2']);
  });

  test('a large head dribbled in one byte at a time, then a pipelined request, decodes intact', () => {
    const big = `GET /big HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 100 }, (_, i) => `X-${i}: ${'v'.repeat(60)}\r\n`).join('')}\r\n`;
    const raw = Buffer.from(`${big}POST /next HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello`);
    const bytes = Array.from(raw, (b) => Buffer.from([b]));
    const seen = collect(bytes);
    assert.equal(seen.error, null);
    assert.equal(seen.requests.length, 2);
    assert.equal(seen.requests[0]!.headers.length, 101);
    assert.equal(seen.requests[0]!.headers[100]![1], 'v'.repeat(60));
    assert.equal(seen.requests[1]!.body, 'hello');
  });

  test('property: random splits of valid requests decode exactly like the whole', () => {
    fc.assert(
      fc.property(
        fc.array(request, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (reqs, cuts) => {
          const whole = Buffer.concat(reqs);
          const expected = collect([whole]);
          assert.equal(expected.error, null);
          assert.equal(expected.requests.length, reqs.length);
          const split = collect(splitAt(whole, cuts));
          assert.deepEqual(split, expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('property: arbitrary bytes never throw, whether whole or split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const buf = Buffer.from(bytes);
        collect([buf], 256);
        collect(splitAt(buf, cuts), 256);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('property: a mutated request is accepted or rejected the same whole or split', () => {
    fc.assert(
      fc.property(
        request,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (req, at, byte, cuts) => {
          const buf = Buffer.from(req);
          buf[at % buf.length] = byte;
          const whole = collect([buf]);
          const split = collect(splitAt(buf, cuts));
          assert.deepEqual(split.requests, whole.requests);
          assert.equal(split.error?.status, whole.error?.status);
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('ResponseDecoder', () => {
  const run = (chunks: string[], isHead = false, upgrade = false) => {
    const events: string[] = [];
    const d = new ResponseDecoder(65536);
    const h: ResponseHandler = {
      onInterim: (r: ResponseHead) => events.push(`interim ${r.status}`),
      onResponseHead: (r: ResponseHead) => events.push(`head ${r.status}`),
      onResponseBody: (c: Buffer) => events.push(`body ${c.toString('latin1')}`),
      onResponseEnd: () => events.push('end'),
      onResponseError: (e: HeadError) => events.push(`error ${e.reason}`),
    };
    d.expect(h, isHead, upgrade);
    for (const c of chunks) d.push(Buffer.from(c, 'latin1'));
    return { events, d };
  };

  test('1xx interim responses are reported before the final one', () => {
    const { events } = run([
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ]);
    assert.deepEqual(events, ['interim 100', 'interim 103', 'head 200', 'body ok', 'end']);
  });

  test('HEAD, 204 and 304 responses have no body whatever they announce', () => {
    assert.deepEqual(run(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'], true).events, [
      'head 200',
      'end',
    ]);
    assert.deepEqual(run(['HTTP/1.1 204 No Content\r\n\r\n']).events, ['head 204', 'end']);
    assert.deepEqual(run(['HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n']).events, [
      'head 304',
      'end',
    ]);
  });

  test('a close-delimited body ends when the upstream closes', () => {
    const { events, d } = run(['HTTP/1.1 200 OK\r\n\r\nabc', 'def']);
    d.finish();
    assert.deepEqual(events, ['head 200', 'body abc', 'body def', 'end']);
  });

  test('a length-delimited body cut short is an error', () => {
    const { events, d } = run(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc']);
    d.finish();
    assert.deepEqual(events, ['head 200', 'body abc', 'error connection closed before message complete']);
  });

  test('a chunked response is decoded', () => {
    const { events } = run(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n']);
    assert.deepEqual(events, ['head 200', 'body ok', 'end']);
  });

  test('an unexpected 101 is an error; an expected one stops the decoder', () => {
    assert.deepEqual(run(['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n']).events, [
      'error unexpected 101 switching protocols',
    ]);
    const { events, d } = run(
      ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00'],
      false,
      true,
    );
    assert.deepEqual(events, ['head 101']);
    assert.deepEqual(d.takeRest(), Buffer.from([0x81, 0x00]));
  });
});
