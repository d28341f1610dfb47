// The proxy over real TLS with curl (HTTP/1.1 and --http2) in front and Node backends behind.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type Backend,
  curl,
  type Front,
  makeCert,
  sh,
  startBackend,
  startFront,
  startRawServer,
  type TestCert,
  waitFor,
} from './http-harness.ts';

let cert: TestCert;
let backend: Backend;
let front: Front;
let base: string;

const echo: Parameters<typeof startBackend>[0] = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/hop') {
      res.setHeader('Connection', 'X-Hop');
      res.setHeader('X-Hop', 'secret');
      res.setHeader('Keep-Alive', 'timeout=5');
    }
    if (req.url === '/stream') {
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        version: req.httpVersion,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        bodyLength: body.length,
        body: body.subarray(0, 64).toString(),
      }),
    );
  });
};

before(async () => {
  cert = makeCert();
  backend = await startBackend(echo);
  front = await startFront(cert, { upstream: backend.url });
  base = `https://localhost:${front.port}`;
});

after(async () => {
  await front.close();
  await backend.close();
});

const W = ['-w', '\n%{http_code} %{http_version} %{num_connects}\n'];
const lastLine = (out: string) => out.trimEnd().split('\n').pop()!.split(' ');

describe('forwarding over HTTP/1.1', () => {
  test('a GET is proxied and the response comes back intact', async () => {
    const r = await curl(['--http1.1', ...W, `${base}/a/b?c=d`]);
    assert.equal(r.code, 0, r.stderr);
    const [status, version] = lastLine(r.stdout);
    assert.equal(status, '200');
    assert.equal(version, '1.1');
    const seen = JSON.parse(r.stdout.split('\n')[0]!);
    assert.equal(seen.url, '/a/b?c=d');
    assert.equal(seen.headers.host, `localhost:${front.port}`);
  });

  test('keep-alive: many client requests reuse pooled upstream connections', async () => {
    const before = backend.connections;
    const urls = Array.from({ length: 10 }, (_, i) => `${base}/k${i}`);
    const r = await curl(['--http1.1', ...urls]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/"method":"GET"/g)?.length, 10);
    const used = backend.connections - before;
    assert.ok(used < 10, `upstream saw ${used} new connections for 10 requests`);
    assert.ok(used <= 1, `expected at most one new upstream connection, saw ${used}`);
  });

  test('X-Forwarded-* and Forwarded are set, spoofed values replaced', async () => {
    const r = await curl([
      '--http1.1',
      '-H',
      'X-Forwarded-For: 6.6.6.6',
      '-H',
      'X-Forwarded-Host: evil.test',
      '-H',
      'X-Forwarded-Proto: http',
      '-H',
      'Forwarded: for=6.6.6.6;proto=http',
      `${base}/fwd`,
    ]);
    const h = JSON.parse(r.stdout).headers;
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'https');
    assert.equal(h['x-forwarded-host'], `localhost:${front.port}`);
    assert.equal(h.forwarded, `for=127.0.0.1;proto=https;host="localhost:${front.port}"`);
    assert.ok(!JSON.stringify(h).includes('6.6.6.6') && !JSON.stringify(h).includes('evil.test'));
  });

  test('Via: tlsterm appends "1.1 tlsterm" after the entries of proxies before it', async () => {
    const plain = JSON.parse((await curl(['--http1.1', `${base}/via`])).stdout).headers;
    assert.equal(plain.via, '1.1 tlsterm');
    const r = await curl(['--http1.1', '-H', 'Via: 1.1 edge.example, 1.0 cache', `${base}/via`]);
    const h = JSON.parse(r.stdout);
    assert.equal(h.headers.via, '1.1 edge.example, 1.0 cache, 1.1 tlsterm');
    assert.equal(h.rawHeaders.filter((n: string) => n.toLowerCase() === 'via').length, 1, 'one Via line');
  });

  test('hop-by-hop fields are removed in both directions', async () => {
    const r = await curl([
      '--http1.1',
      '-i',
      '-H',
      'Connection: keep-alive, X-Private',
      '-H',
      'X-Private: 1',
      '-H',
      'TE: trailers',
      `${base}/hop`,
    ]);
    const [head, body] = r.stdout.split('\r\n\r\n');
    assert.doesNotMatch(head!, /x-hop/i);
    assert.doesNotMatch(head!, /keep-alive: timeout/i);
    const seen = JSON.parse(body!).headers;
    assert.equal(seen['x-private'], undefined);
    assert.equal(seen.te, undefined);
  });

  test('a streamed (chunked) upstream response reaches the client whole', async () => {
    const r = await curl(['--http1.1', '-i', `${base}/stream`]);
    assert.match(r.stdout, /transfer-encoding: chunked/i);
    assert.match(r.stdout, /\r\n\r\none,two$/);
  });

  test('a POST body is forwarded (Content-Length) and Expect: 100-continue works', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsterm-http-post-'));
    const file = path.join(dir, 'body');
    fs.writeFileSync(file, 'x'.repeat(200_000));
    const r = await curl([
      '--http1.1',
      '-v',
      '-H',
      'Expect: 100-continue',
      '--data-binary',
      `@${file}`,
      `${base}/post`,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /HTTP\/1\.1 100 Continue/);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.bodyLength, 200_000);
  });

  test('a chunked request body is re-framed and forwarded', async () => {
    const r = await curl([
      '--http1.1',
      '-H',
      'Transfer-Encoding: chunked',
      '--data-binary',
      'hello chunked',
      `${base}/chunked`,
    ]);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.body, 'hello chunked');
    assert.equal(seen.headers['transfer-encoding'], 'chunked');
  });

  test('one access-log event per request with the documented fields', async () => {
    const n = front.logs.length;
    await curl(['--http1.1', `${base}/logged?x=1`]);
    const ev = front.logs.slice(n).find((e) => e.event === 'access' && e.uri === '/logged?x=1');
    assert.ok(ev, JSON.stringify(front.logs.slice(n)));
    assert.equal(ev.method, 'GET');
    assert.equal(ev.status, 200);
    assert.equal(ev.upstream, backend.url);
    assert.match(String(ev.client), /^127\.0\.0\.1:\d+$/);
    assert.match(String(ev.host), /^localhost:\d+$/);
    assert.equal(ev.sni, undefined, 'the host names the SNI: said once, on the handshake line');
    assert.equal(ev.proto, 'http/1.1');
    assert.equal(typeof ev.total_ms, 'number');
    assert.ok((ev.bytes_out as number) > 0);
  });
});

describe('forwarding over h2', () => {
  test('curl --http2: GET, POST and HEAD', async () => {
    const r = await curl(['--http2', ...W, `${base}/h2get`]);
    assert.equal(r.code, 0, r.stderr);
    const [status, version] = lastLine(r.stdout);
    assert.equal(status, '200');
    assert.equal(version, '2');
    const seen = JSON.parse(r.stdout.split('\n')[0]!);
    assert.equal(seen.version, '1.1');
    assert.equal(seen.headers.host, `localhost:${front.port}`);
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['transfer-encoding'], undefined, 'a GET without body gets no framing');

    const p = await curl(['--http2', '--data-binary', 'payload!', `${base}/h2post`]);
    const posted = JSON.parse(p.stdout);
    assert.equal(posted.body, 'payload!');
    assert.equal(posted.headers['content-length'], '8');

    const h = await curl(['--http2', '-i', '-X', 'HEAD', `${base}/h2head`]);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^HTTP\/2 200/);
    assert.match(h.stdout, /\r\n\r\n$/, 'no body after the head');
  });

  test('h2 streams share pooled upstream connections', async () => {
    const before = backend.connections;
    const urls = Array.from({ length: 10 }, (_, i) => `${base}/s${i}`);
    const r = await curl(['--http2', ...urls]);
    assert.equal(r.stdout.match(/"method":"GET"/g)?.length, 10);
    assert.ok(backend.connections - before < 10);
  });

  test('an h2 request body without content-length is sent upstream chunked', async () => {
    // curl -T - streams stdin: over h2 that is DATA frames without a content-length.
    const r = await sh(
      `printf 'streamed body' | curl -sS -k --max-time 10 --http2 -T - ${base}/h2put`,
      15_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.body, 'streamed body');
    assert.equal(seen.headers['transfer-encoding'], 'chunked');
  });

  test('a streamed upstream response is streamed over h2', async () => {
    const r = await curl(['--http2', `${base}/stream`]);
    assert.equal(r.stdout, 'one,two');
  });

  test('h2 access log says alpn h2', async () => {
    const n = front.logs.length;
    await curl(['--http2', `${base}/h2log`]);
    assert.ok(await waitFor(() => front.logs.slice(n).some((e) => e.uri === '/h2log')));
    const ev = front.logs.slice(n).find((e) => e.uri === '/h2log')!;
    assert.equal(ev.proto, 'h2');
    assert.equal(ev.status, 200);
  });
});

describe('upstream failures', () => {
  test('502 with a log line when the upstream refuses the connection', async () => {
    const closed = await startRawServer(() => {});
    const port = closed.port;
    await closed.close();
    const f = await startFront(cert, { upstream: `http://127.0.0.1:${port}` });
    try {
      const r = await curl(['--http1.1', '-i', `https://localhost:${f.port}/x`]);
      assert.match(r.stdout, /^HTTP\/1\.1 502 Bad Gateway/);
      assert.match(r.stdout, /content-type: text\/plain/);
      const html = await curl([
        '--http1.1',
        '-i',
        '-H',
        'Accept: text/html',
        `https://localhost:${f.port}/x`,
      ]);
      assert.match(html.stdout, /content-type: text\/html/);
      assert.match(html.stdout, /<h1>502 Bad Gateway<\/h1>/);
      const h2 = await curl([
        '--http2',
        '-w',
        '%{http_code}',
        '-o',
        '/dev/null',
        `https://localhost:${f.port}/x`,
      ]);
      assert.equal(h2.stdout, '502');
      const ev = f.logs.find((e) => e.event === 'upstream_error');
      assert.ok(ev);
      assert.equal(ev.status, 502);
      assert.equal(ev.error, 'ECONNREFUSED');
      assert.equal(ev.upstream, `http://127.0.0.1:${port}`);
      assert.equal(ev.detail, `connection refused by 127.0.0.1:${port}`);
    } finally {
      await f.close();
    }
  });

  test('504 when the upstream accepts and never answers', async () => {
    const held: net.Socket[] = [];
    const hole = await startRawServer((s) => {
      held.push(s);
      s.resume();
    });
    const f = await startFront(cert, { upstream: `http://127.0.0.1:${hole.port}`, responseTimeoutMs: 300 });
    try {
      const r = await curl(['--http1.1', '-i', `https://localhost:${f.port}/slow`], 10_000);
      assert.match(r.stdout, /^HTTP\/1\.1 504 Gateway Timeout/);
      const h2 = await curl(
        ['--http2', '-w', '%{http_code}', '-o', '/dev/null', `https://localhost:${f.port}/slow`],
        10_000,
      );
      assert.equal(h2.stdout, '504');
      const ev = f.logs.find((e) => e.event === 'upstream_error');
      assert.equal(ev?.status, 504);
      assert.equal(ev?.error, 'RESPONSE_TIMEOUT');
    } finally {
      await f.close();
      await hole.close();
    }
  });

  test('a stale pooled connection is retried once for an idempotent request, never for a POST', async () => {
    // Answers the first request on each connection, then drops the connection on the next one:
    // exactly the race of an upstream closing an idle keep-alive connection.
    let connections = 0;
    const received: string[] = [];
    const flaky = await startRawServer((s) => {
      connections++;
      let served = 0;
      let buf = '';
      s.on('data', (c: Buffer) => {
        buf += c.toString('latin1');
        while (buf.includes('\r\n\r\n')) {
          const end = buf.indexOf('\r\n\r\n') + 4;
          const cl = /content-length: (\d+)/i.exec(buf.slice(0, end));
          const total = end + (cl ? Number(cl[1]) : 0);
          if (buf.length < total) return;
          received.push(buf.slice(0, buf.indexOf(' HTTP/1.1')));
          buf = buf.slice(total);
          if (served++ === 1) {
            s.destroy();
            return;
          }
          s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        }
      });
    });
    const f = await startFront(cert, { upstream: `http://127.0.0.1:${flaky.port}` });
    try {
      const r = await curl([
        '--http1.1',
        '-w',
        ' %{http_code}',
        `https://localhost:${f.port}/1`,
        `https://localhost:${f.port}/2`,
      ]);
      assert.equal(r.stdout, 'ok 200ok 200');
      assert.equal(connections, 2);
      assert.equal(f.logs.filter((e) => e.event === 'upstream_error').length, 0);

      const p = await curl([
        '--http1.1',
        '-w',
        ' %{http_code}',
        '-d',
        'a',
        `https://localhost:${f.port}/p1`,
        '-d',
        'b',
        `https://localhost:${f.port}/p2`,
      ]);
      // The POST lands on the connection that is about to drop: it must not be replayed.
      assert.equal(p.stdout, '502 Bad Gateway\n 502ok 200');
      assert.equal(received.filter((r) => r === 'POST /p1').length, 1);
      assert.ok(f.logs.some((e) => e.event === 'upstream_error' && e.status === 502));
    } finally {
      await f.close();
      await flaky.close();
    }
  });

  test('a close-delimited upstream body is re-chunked so the client connection stays alive', async () => {
    const old = await startRawServer((s) => {
      s.once('data', () => {
        s.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close');
      });
    });
    const f = await startFront(cert, { upstream: `http://127.0.0.1:${old.port}` });
    try {
      const r = await curl([
        '--http1.1',
        '-w',
        ' %{num_connects}',
        `https://localhost:${f.port}/a`,
        `https://localhost:${f.port}/b`,
      ]);
      assert.equal(r.stdout, 'until close 1until close 0');
    } finally {
      await f.close();
      await old.close();
    }
  });

  test('an invalid upstream response is a 502, not forwarded', async () => {
    const bad = await startRawServer((s) => {
      s.once('data', () =>
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'),
      );
    });
    const f = await startFront(cert, { upstream: `http://127.0.0.1:${bad.port}` });
    try {
      const r = await curl([
        '--http1.1',
        '-w',
        '%{http_code}',
        '-o',
        '/dev/null',
        `https://localhost:${f.port}/`,
      ]);
      assert.equal(r.stdout, '502');
      const ev = f.logs.find((e) => e.event === 'upstream_error');
      assert.equal(ev?.error, 'INVALID_RESPONSE');
      assert.match(String(ev?.detail), /content-length with transfer-encoding/);
    } finally {
      await f.close();
      await bad.close();
    }
  });
});

describe('local handlers', () => {
  test('answer on HTTP/1.1 and h2: Content-Length set, HEAD without body, keep-alive honoured', async () => {
    const f = await startFront(cert, {
      handler: (req, conn) => ({
        status: 200,
        headers: [['content-type', 'text/plain']],
        body: `${req.method} ${req.target} ${req.httpVersion} ${conn.alpn}\n`,
      }),
    });
    try {
      const url = `https://localhost:${f.port}/inspect`;
      const a = await curl(['--http1.1', '-i', '-w', '%{num_connects}', url, url]);
      assert.match(a.stdout, /content-length: 26\r\n/);
      assert.match(a.stdout, /GET \/inspect 1\.1 http\/1\.1\n1/);
      assert.match(a.stdout, /GET \/inspect 1\.1 http\/1\.1\n0$/, 'second request on the same connection');
      const h = await curl(['--http1.1', '-I', url]);
      assert.match(h.stdout, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(h.stdout, /content-length: 27\r\n/); // "HEAD /inspect 1.1 http/1.1\n", not sent
      const two = await curl(['--http2', '-i', url]);
      assert.match(two.stdout, /^HTTP\/2 200/);
      assert.match(two.stdout, /GET \/inspect 2 h2\n$/);
      const twoHead = await curl(['--http2', '-I', url]);
      assert.match(twoHead.stdout, /content-length: 19/);
      const close = await curl(['--http1.1', '-i', '-H', 'Connection: close', url]);
      assert.match(close.stdout, /connection: close/i);
    } finally {
      await f.close();
    }
  });

  test('a throwing handler becomes a logged 500', async () => {
    const f = await startFront(cert, {
      handler: () => {
        throw new Error('boom');
      },
    });
    try {
      const r = await curl([
        '--http1.1',
        '-w',
        '%{http_code}',
        '-o',
        '/dev/null',
        `https://localhost:${f.port}/`,
      ]);
      assert.equal(r.stdout, '500');
      assert.ok(f.logs.some((e) => e.event === 'handler_error' && e.error === 'boom'));
    } finally {
      await f.close();
    }
  });
});
