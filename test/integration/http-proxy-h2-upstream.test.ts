// HTTP/2 to the app: a plain Node http2 server (h2c) behind the HTTP layer, reached by HTTP/1.1
// clients (curl --http1.1) and HTTP/2 clients (curl --http2, node:http2): streams multiplexed on as
// few connections as max_streams allows, trailers passed to h2 clients, large bodies both ways with
// flow control, cancellation both ways, a dead app answered 502.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http2 from 'node:http2';
import https from 'node:https';
import type net from 'node:net';
import { after, before, test } from 'node:test';
import { H2Pool } from '../../src/http/upstream-h2/index.ts';
import {
  curl,
  type Front,
  makeCert,
  rawExchange,
  startFront,
  startRawServer,
  type TestCert,
  waitFor,
} from './http-harness.ts';

let cert: TestCert;
let app: http2.Http2Server;
let appPort: number;
let front: Front;
/** h2c sessions the app accepted (one per upstream connection). */
let sessions = 0;
let maxConcurrent = 0;
let concurrent = 0;
const cancelled: string[] = [];

const MB = 1024 * 1024;
const big = crypto.randomBytes(4 * MB);

before(async () => {
  cert = makeCert();
  app = http2.createServer();
  app.on('session', () => {
    sessions++;
  });
  app.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    stream.on('error', () => {});
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    stream.on('close', () => {
      concurrent--;
      if (stream.rstCode === http2.constants.NGHTTP2_CANCEL) cancelled.push(path);
    });
    if (path === '/hello') {
      stream.respond({
        ':status': 200,
        'content-type': 'text/plain',
        'x-app': 'h2c',
        'x-seen-authority': String(headers[':authority']),
      });
      stream.end(`hello over ${headers[':scheme']} from ${headers['x-forwarded-for']}\n`);
    } else if (path === '/trailers') {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-checksum': 'abc123', 'x-status': 'done' }));
      stream.end('body then trailers\n');
    } else if (path === '/slow') {
      setTimeout(() => {
        if (!stream.destroyed) {
          stream.respond({ ':status': 200 });
          stream.end('slow\n');
        }
      }, 300);
    } else if (path === '/echo-hash') {
      const hash = crypto.createHash('sha256');
      let n = 0;
      stream.on('data', (c: Buffer) => {
        n += c.length;
        hash.update(c);
      });
      stream.on('end', () => {
        stream.respond({ ':status': 200 });
        stream.end(`${n} ${hash.digest('hex')}`);
      });
    } else if (path === '/goaway') {
      stream.respond({ ':status': 200 });
      stream.end('bye\n', () => stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR));
    } else if (path === '/big') {
      stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
      stream.end(big);
    } else if (path === '/hang') {
      stream.respond({ ':status': 200 });
      stream.write('first part\n'); // then nothing: the client cancels
    } else if (path === '/reset-after-head') {
      // waitForTrailers: else node:http2's close() ends the stream cleanly before its RST_STREAM.
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.write('partial\n', () =>
        setTimeout(() => stream.close(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM), 50),
      );
    } else {
      stream.respond({ ':status': 404 });
      stream.end();
    }
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appPort = (app.address() as net.AddressInfo).port;
  front = await startFront(cert, { upstream: `h2c://127.0.0.1:${appPort}`, upstreamH2: { maxStreams: 4 } });
});

after(async () => {
  await front?.close();
  await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
});

const base = () => `https://localhost:${front.port}`;

/** One node:http2 request; resolves with status, body, headers and trailers. */
function h2Request(
  client: http2.ClientHttp2Session,
  path: string,
  opts: { method?: string; body?: Buffer } = {},
): Promise<{
  status: number;
  body: Buffer;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  rst: number;
}> {
  return new Promise((resolve, reject) => {
    const req = client.request(
      { ':method': opts.method ?? 'GET', ':path': path },
      { endStream: opts.body === undefined },
    );
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const parts: Buffer[] = [];
    req.on('response', (h) => {
      headers = h;
    });
    req.on('trailers', (t) => {
      trailers = t;
    });
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('error', () => {});
    req.on('close', () =>
      resolve({
        status: Number(headers[':status'] ?? 0),
        body: Buffer.concat(parts),
        headers,
        trailers,
        rst: req.rstCode ?? 0,
      }),
    );
    req.setTimeout(20_000, () => reject(new Error(`timeout on ${path}`)));
    if (opts.body !== undefined) req.end(opts.body);
  });
}

const connect = () => http2.connect(base(), { ca: cert.cert });

test('an HTTP/1.1 client (curl --http1.1) reaches an h2c app', async () => {
  const r = await curl(['--http1.1', '-i', `${base()}/hello`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HTTP\/1\.1 200/);
  assert.match(r.stdout, /x-app: h2c/i);
  assert.match(r.stdout, /x-seen-authority: localhost:\d+/i);
  assert.match(r.stdout, /hello over http from 127\.0\.0\.1/);
});

test('an HTTP/2 client (curl --http2) reaches an h2c app', async () => {
  const r = await curl(['--http2', '-i', `${base()}/hello`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HTTP\/2 200/);
  assert.match(r.stdout, /hello over http/);
});

test('trailers reach an HTTP/2 client, and an HTTP/1.1 client only if it sent TE: trailers', async () => {
  const client = connect();
  try {
    const r = await h2Request(client, '/trailers');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'body then trailers\n');
    assert.equal(r.trailers['x-checksum'], 'abc123');
    assert.equal(r.trailers['x-status'], 'done');
  } finally {
    client.close();
  }
  const h1 = await curl(['--http1.1', '-i', `${base()}/trailers`]);
  assert.equal(h1.code, 0, h1.stderr);
  assert.match(h1.stdout, /body then trailers/);
  assert.doesNotMatch(h1.stdout, /x-checksum/);
  // An HTTP/1.1 client that says TE: trailers gets them after the last chunk.
  const te = await rawExchange(
    front.port,
    'GET /trailers HTTP/1.1\r\nHost: localhost\r\nTE: trailers\r\nConnection: close\r\n\r\n',
  );
  assert.match(te.response, /transfer-encoding: chunked/i);
  assert.match(te.response, /\r\n0\r\nx-checksum: abc123\r\nx-status: done\r\n\r\n$/);
  const noTe = await rawExchange(
    front.port,
    'GET /trailers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
  );
  assert.match(noTe.response, /\r\n0\r\n\r\n$/);
});

test('streams share upstream connections, at most max_streams each', async () => {
  const before = sessions;
  const client = connect();
  try {
    const rs = await Promise.all(Array.from({ length: 12 }, () => h2Request(client, '/slow')));
    for (const r of rs) assert.equal(r.status, 200);
  } finally {
    client.close();
  }
  const opened = sessions - before;
  // 12 concurrent streams at 4 per connection: 3 connections (one more may be open from earlier tests).
  assert.ok(opened >= 2 && opened <= 3, `12 streams over ${opened} new h2c connections`);
});

test('a large body both ways, with flow control, over h2 and HTTP/1.1 clients', async () => {
  const client = connect();
  try {
    const up = await h2Request(client, '/echo-hash', { method: 'POST', body: big });
    assert.equal(
      up.body.toString(),
      `${big.length} ${crypto.createHash('sha256').update(big).digest('hex')}`,
    );
    const down = await h2Request(client, '/big');
    assert.equal(down.status, 200);
    assert.ok(down.body.equals(big), `got ${down.body.length} bytes`);
  } finally {
    client.close();
  }
  const h1 = await curl(['--http1.1', '-s', '-o', '-', `${base()}/big`]);
  assert.equal(h1.code, 0, h1.stderr);
  assert.equal(Buffer.byteLength(h1.stdout, 'latin1') > 0, true);
});

test('a client that cancels its stream cancels the app stream', async () => {
  const client = connect();
  try {
    const req = client.request({ ':path': '/hang' });
    req.on('error', () => {});
    await new Promise<void>((r) => req.once('data', () => r()));
    req.close(http2.constants.NGHTTP2_CANCEL);
    assert.ok(await waitFor(() => cancelled.includes('/hang'), 5000), 'the app saw RST_STREAM(CANCEL)');
  } finally {
    client.close();
  }
});

test('an app that resets its stream after the head: the client stream is reset with the same code', async () => {
  const client = connect();
  try {
    const r = await h2Request(client, '/reset-after-head');
    assert.equal(r.status, 200);
    assert.equal(r.rst, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
  } finally {
    client.close();
  }
  assert.ok(front.logs.some((e) => e['event'] === 'upstream_error' && e['error'] === 'UPSTREAM_RESET'));
});

test('an h2c app that is down: 502 with the reason logged', async () => {
  const dead = await startFront(cert, { upstream: 'h2c://127.0.0.1:1', upstreamH2: { maxStreams: 4 } });
  try {
    const r = await curl(['--http2', '-i', `https://localhost:${dead.port}/x`]);
    assert.match(r.stdout, /^HTTP\/2 502/);
    const e = dead.logs.find((l) => l['event'] === 'upstream_error');
    assert.equal(e?.['error'], 'ECONNREFUSED');
    assert.match(String(e?.['detail']), /connection refused by 127\.0\.0\.1:1/);
  } finally {
    await dead.close();
  }
});

test('https:// with alpn [h2]: HTTP/2 over verified TLS to the app; an app without h2 is a 502', async () => {
  const secure = http2.createSecureServer({ key: cert.key, cert: cert.cert });
  secure.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    stream.respond({ ':status': 200 });
    stream.end(`secure ${headers[':scheme']} ${stream.session?.alpnProtocol}\n`);
  });
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  const port = (secure.address() as net.AddressInfo).port;
  const tlsFront = await startFront(cert, {
    upstream: `https://127.0.0.1:${port}`,
    upstreamH2: { maxStreams: 10 },
    upstreamTls: { caPems: [cert.cert], servername: 'localhost', verify: true },
  });
  // An HTTP/1.1-only TLS app: tlsterm offers h2 alone and does not fall back.
  const h1only = https.createServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.end('h1\n'));
  await new Promise<void>((r) => h1only.listen(0, '127.0.0.1', r));
  const h1Front = await startFront(cert, {
    upstream: `https://127.0.0.1:${(h1only.address() as net.AddressInfo).port}`,
    upstreamH2: { maxStreams: 10 },
    upstreamTls: { caPems: [cert.cert], servername: 'localhost', verify: true },
  });
  try {
    const r = await curl(['--http1.1', `https://localhost:${tlsFront.port}/`]);
    assert.equal(r.stdout, 'secure https h2\n');
    const refused = await curl(['--http2', '-i', `https://localhost:${h1Front.port}/`]);
    assert.match(refused.stdout, /^HTTP\/2 502/);
    const e = h1Front.logs.find((l) => l['event'] === 'upstream_error');
    assert.equal(e?.['error'], 'UPSTREAM_NO_H2', JSON.stringify(h1Front.logs));
    assert.match(String(e?.['detail']), /does not speak h2/);
  } finally {
    await tlsFront.close();
    await h1Front.close();
    await new Promise<void>((r) => secure.close(() => r()));
    await new Promise<void>((r) => h1only.close(() => r()));
  }
});

test('an app that sends GOAWAY: the next requests are not lost (they go on another connection)', async () => {
  const client = connect();
  try {
    const bye = await h2Request(client, '/goaway');
    assert.equal(bye.body.toString(), 'bye\n');
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 3; i++) {
      const r = await h2Request(client, '/hello');
      assert.equal(r.status, 200, `request ${i} after GOAWAY`);
    }
  } finally {
    client.close();
  }
});

test('an app that accepts and never answers: 504 after the response timeout, a gRPC call gets DEADLINE_EXCEEDED', async () => {
  const silent = await startRawServer(() => {}); // holds the connection, sends nothing
  const f = await startFront(cert, {
    upstream: `h2c://127.0.0.1:${silent.port}`,
    upstreamH2: { maxStreams: 4 },
    responseTimeoutMs: 400,
  });
  try {
    const started = Date.now();
    const r = await curl(['--http2', '-i', `https://localhost:${f.port}/x`]);
    assert.match(r.stdout, /^HTTP\/2 504/);
    assert.ok(Date.now() - started < 5000);
    const client = http2.connect(`https://localhost:${f.port}`, { ca: cert.cert });
    try {
      const req = client.request({
        ':method': 'POST',
        ':path': '/p.S/M',
        'content-type': 'application/grpc',
      });
      req.on('error', () => {});
      req.end(Buffer.alloc(5));
      const h = await new Promise<http2.IncomingHttpHeaders>((res) => req.on('response', res));
      assert.equal(h[':status'], 200);
      assert.equal(h['grpc-status'], '4');
    } finally {
      client.close();
    }
    assert.ok(f.logs.some((e) => e['event'] === 'upstream_error' && e['error'] === 'RESPONSE_TIMEOUT'));
  } finally {
    await f.close();
    await silent.close();
  }
});

test('an upstream connection without streams is closed after the idle timeout', async () => {
  const pool = new H2Pool(
    {
      url: new URL(`h2c://127.0.0.1:${appPort}`),
      connectTimeoutMs: 2000,
      responseTimeoutMs: 2000,
      h2: { maxStreams: 4 },
    },
    { idleTimeoutMs: 200 },
  );
  const closed = new Promise<void>((resolve) => {
    const s = pool.pick();
    s.session.once('close', () => resolve());
  });
  assert.equal(pool.sessionCount, 1);
  await closed;
  assert.equal(pool.sessionCount, 0, 'the idle session left the pool');
  pool.close();
});
