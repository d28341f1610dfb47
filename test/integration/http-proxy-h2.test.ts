// The h2 front with Node's http2 client and hand-built frames: stream validation (RFC 9113 §8.2,
// §8.3), concurrency over the pool, cookies, interim responses, client resets.

import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { type Backend, type Front, makeCert, startBackend, startFront, waitFor } from './http-harness.ts';

let backend: Backend;
let front: Front;
let origin: string;

before(async () => {
  backend = await startBackend((req, res) => {
    if (req.url === '/hints') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.end('after hints');
      return;
    }
    if (req.url === '/cookies') {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.end(String(req.headers.cookie));
      return;
    }
    if (req.url === '/slow') {
      res.write('start');
      setTimeout(() => res.end('end'), 2000).unref();
      return;
    }
    if (req.url === '/via') {
      res.end(String(req.headers.via));
      return;
    }
    res.end(`${req.method} ${req.url}`);
  });
  front = await startFront(makeCert(), { upstream: backend.url });
  origin = `https://localhost:${front.port}`;
});

after(async () => {
  await front.close();
  await backend.close();
});

const connect = () => http2.connect(origin, { rejectUnauthorized: false });

const request = (
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string; informational: number[] }> =>
  new Promise((resolve, reject) => {
    const req = session.request(headers);
    const informational: number[] = [];
    let status = 0;
    let resHeaders: http2.IncomingHttpHeaders = {};
    let body = '';
    req.on('headers', (h) => informational.push(Number(h[':status'])));
    req.on('response', (h) => {
      status = Number(h[':status']);
      resHeaders = h;
    });
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => resolve({ status, headers: resHeaders, body, informational }));
    req.on('error', reject);
    req.end();
  });

describe('h2 front', () => {
  test('many concurrent streams on one session, fewer upstream connections', async () => {
    const session = connect();
    try {
      const before = backend.connections;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => request(session, { ':path': `/c${i}` })),
      );
      results.forEach((r, i) => {
        assert.equal(r.status, 200);
        assert.equal(r.body, `GET /c${i}`);
      });
      const used = backend.connections - before;
      assert.ok(used <= 20 && used >= 1, `used ${used}`);
      // A second round reuses what the first one opened.
      const again = backend.connections;
      await Promise.all(Array.from({ length: 5 }, (_, i) => request(session, { ':path': `/d${i}` })));
      assert.equal(backend.connections, again);
    } finally {
      session.close();
    }
  });

  test('Via: "2 tlsterm" (the request came in over HTTP/2), after any incoming entries', async () => {
    const session = connect();
    try {
      assert.equal((await request(session, { ':path': '/via' })).body, '2 tlsterm');
      const r = await request(session, { ':path': '/via', via: '1.1 edge.example' });
      assert.equal(r.body, '1.1 edge.example, 2 tlsterm');
    } finally {
      session.close();
    }
  });

  test('split cookie fields are joined with "; " for HTTP/1.1; set-cookie stays separate', async () => {
    const session = connect();
    try {
      const r = await request(session, { ':path': '/cookies', cookie: ['a=1', 'b=2'] });
      assert.equal(r.body, 'a=1; b=2');
      assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
    } finally {
      session.close();
    }
  });

  test('103 Early Hints is forwarded as an interim response', async () => {
    const session = connect();
    try {
      const r = await request(session, { ':path': '/hints' });
      assert.deepEqual(r.informational, [103]);
      assert.equal(r.status, 200);
      assert.equal(r.body, 'after hints');
    } finally {
      session.close();
    }
  });

  test('a Host that differs from :authority is rejected (RFC 9113 §8.3.1)', async () => {
    const n = front.logs.length;
    const before = backend.requests.length;
    const frames = await rawH2(front.port, [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/x'],
      [':authority', 'localhost'],
      ['host', 'other.test'],
    ]);
    assert.ok(refused(frames), 'refused with 400 or a stream reset');
    assert.equal(backend.requests.length, before);
    const ev = front.logs.slice(n).find((e) => e.event === 'http_rejected');
    assert.equal(ev?.reason, 'host differs from :authority');
  });

  test('a :path that is not origin-form is rejected', async () => {
    const before = backend.requests.length;
    const frames = await rawH2(front.port, [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', 'relative'],
      [':authority', 'localhost'],
    ]);
    assert.ok(refused(frames));
    assert.equal(backend.requests.length, before);
  });

  test('a request without :authority or Host is rejected', async () => {
    const before = backend.requests.length;
    const frames = await rawH2(front.port, [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/'],
    ]);
    assert.ok(refused(frames));
    assert.equal(backend.requests.length, before);
  });

  test('a client reset mid-response frees the upstream connection', async () => {
    const session = connect();
    try {
      const req = session.request({ ':path': '/slow' });
      await new Promise<void>((resolve) => req.once('data', () => resolve()));
      req.close(http2.constants.NGHTTP2_CANCEL);
      assert.ok(await waitFor(() => front.pool!.stats.active === 0, 3000), JSON.stringify(front.pool!.stats));
      assert.ok(await waitFor(() => front.logs.some((e) => e.event === 'access' && e.uri === '/slow')));
    } finally {
      session.close();
    }
  });

  test('connection-specific fields are malformed and never reach the upstream (RFC 9113 §8.2.2)', async () => {
    const before = backend.requests.length;
    for (const [name, value] of [
      ['connection', 'keep-alive'],
      ['transfer-encoding', 'chunked'],
      ['upgrade', 'websocket'],
      ['keep-alive', '5'],
      ['te', 'gzip'],
    ] as const) {
      const frames = await rawH2(front.port, [
        [':method', 'GET'],
        [':scheme', 'https'],
        [':path', '/conn-specific'],
        [':authority', 'localhost'],
        [name, value],
      ]);
      assert.ok(refused(frames), `${name} must be refused`);
    }
    assert.equal(backend.requests.length, before);
  });
});

/** Stream 1 was reset, or answered with :status 400 (HPACK static index 12, indexed: 0x8c). */
const refused = (frames: RawFrame[]): boolean =>
  frames.some((f) => f.stream === 1 && (f.type === 0x3 || (f.type === 0x1 && f.payload[0] === 0x8c)));

interface RawFrame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

/** HPACK literal field without indexing, new name, no Huffman (RFC 7541 §6.2.2). */
const literal = (name: string, value: string): Buffer => {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  return Buffer.concat([Buffer.from([0x00, n.length]), n, Buffer.from([v.length]), v]);
};

const h2frame = (type: number, flags: number, stream: number, payload: Buffer): Buffer => {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
};

/** Send one HEADERS frame with the given fields on stream 1 and collect the server's frames for a while. */
const rawH2 = (port: number, fields: readonly (readonly [string, string])[]): Promise<RawFrame[]> =>
  new Promise((resolve) => {
    const s = tls.connect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
    });
    let buf = Buffer.alloc(0);
    const frames: RawFrame[] = [];
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(frames);
    };
    const timer = setTimeout(done, 1500);
    s.on('error', done);
    s.on('secureConnect', () => {
      const block = Buffer.concat(fields.map(([n, v]) => literal(n, v)));
      s.write(
        Buffer.concat([
          Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
          h2frame(0x4, 0, 0, Buffer.alloc(0)),
          h2frame(0x1, 0x5, 1, block), // END_STREAM | END_HEADERS
        ]),
      );
    });
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 9) {
        const len = buf.readUIntBE(0, 3);
        if (buf.length < 9 + len) break;
        const f = {
          type: buf[3]!,
          flags: buf[4]!,
          stream: buf.readUInt32BE(5) & 0x7fffffff,
          payload: buf.subarray(9, 9 + len),
        };
        frames.push(f);
        buf = buf.subarray(9 + len);
        if (
          f.stream === 1 &&
          (f.type === 0x3 ||
            (f.type === 0x1 && (f.flags & 0x1) !== 0) ||
            (f.type === 0x0 && (f.flags & 0x1) !== 0))
        )
          return done();
        if (f.type === 0x7) return done();
      }
    });
  });
