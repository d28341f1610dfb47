// Every state of an HTTP/1.1 connection is bounded (issue 13): a client that stops reading, a body
// trickled in, a silent tunnel, a bogus TLS record, a body over max_body. Short timeouts (1 s) keep
// this fast; each bound is checked where it matters: the upstream's sockets are closed too.

import assert from 'node:assert/strict';
import type http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import {
  type Backend,
  curl,
  type Front,
  makeCert,
  rawExchange,
  startBackend,
  startFront,
  type TestCert,
  waitFor,
} from './http-harness.ts';

let cert: TestCert;
let backend: Backend;
let front: Front;
/** Backend sockets open now (closed ones leave). */
const upstreamOpen = new Set<net.Socket>();

const CHUNK = Buffer.alloc(64 * 1024, 0x78);

/** Writes until the socket goes away, respecting backpressure: a response that never ends. */
const endless = (res: http.ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const pump = (): void => {
    while (!res.destroyed && res.write(CHUNK));
  };
  res.on('drain', pump);
  pump();
};

before(async () => {
  cert = makeCert();
  backend = await startBackend((req, res) => {
    if (req.url === '/endless') return endless(res);
    if (req.url === '/slow') {
      // Answers late (or never: the socket is gone by then).
      setTimeout(() => res.end('late'), 8000).unref();
      return;
    }
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
    });
    req.on('end', () => res.end(`got ${n}`));
  });
  backend.server.on('connection', (s: net.Socket) => {
    upstreamOpen.add(s);
    s.on('close', () => upstreamOpen.delete(s));
  });
  // A WebSocket upstream that answers the upgrade and then says nothing.
  backend.server.on('upgrade', (_req: http.IncomingMessage, socket: net.Socket) => {
    socket.on('error', () => {});
    socket.on('end', () => socket.end()); // http.Server sockets allow half-open: close on the peer's FIN
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  });
  front = await startFront(cert, {
    upstream: backend.url,
    http: {
      sendTimeoutMs: 1000,
      bodyTimeoutMs: 1000,
      tunnelIdleTimeoutMs: 1000,
      keepAliveTimeoutMs: 30_000,
      headersTimeoutMs: 30_000,
      maxBodyBytes: 1000,
    },
  });
});

after(async () => {
  await front.close();
  await backend.close();
});

const connect = (): Promise<tls.TLSSocket> =>
  new Promise((resolve, reject) => {
    const s = tls.connect({
      port: front.port,
      host: '127.0.0.1',
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });

const closedWithin = (s: net.Socket, ms: number): Promise<boolean> =>
  s.destroyed
    ? Promise.resolve(true)
    : new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        s.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });

describe('HTTP/1.1 bounds', () => {
  test('a client that stops reading a response: client and upstream closed after the send timeout', async () => {
    const n = front.logs.length;
    const s = await connect();
    s.on('error', () => {});
    s.write('GET /endless HTTP/1.1\r\nHost: localhost\r\n\r\n');
    s.pause(); // never reads: the kernel buffers fill, then nothing moves
    assert.ok(await waitFor(() => upstreamOpen.size === 1, 3000), 'the upstream never got the request');
    const t0 = performance.now();
    assert.ok(await waitFor(() => upstreamOpen.size === 0, 5000), 'upstream connection still held');
    const heldMs = performance.now() - t0;
    assert.ok(heldMs < 4000, `upstream held ${Math.round(heldMs)} ms`);
    s.resume(); // whatever was buffered drains, then the connection must be gone
    assert.ok(await closedWithin(s, 5000), 'client connection still open');
    const timeout = front.logs.slice(n).find((e) => e.event === 'http_timeout');
    assert.equal(timeout?.timeout, 'send');
    assert.equal(timeout?.path, '/endless');
    assert.ok(front.logs.slice(n).some((e) => e.event === 'access' && e.status === 200));
  });

  test('a body trickled slower than the body timeout gets 408 and the upstream connection is closed', async () => {
    const n = front.logs.length;
    const s = await connect();
    s.on('error', () => {});
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
    });
    s.write('POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nx');
    // One byte every 2 s (bounded: at most 5 bytes).
    let sent = 0;
    const drip = setInterval(() => {
      if (sent++ < 5 && !s.destroyed) s.write('x');
    }, 2000);
    try {
      assert.ok(await waitFor(() => upstreamOpen.size === 1, 3000));
      assert.ok(await closedWithin(s, 5000), 'connection still open while the body trickles');
    } finally {
      clearInterval(drip);
    }
    assert.match(got, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.ok(await waitFor(() => upstreamOpen.size === 0, 2000), 'upstream connection still held');
    const logs = front.logs.slice(n);
    assert.ok(logs.some((e) => e.event === 'http_timeout' && e.timeout === 'body' && e.method === 'POST'));
    assert.ok(logs.some((e) => e.event === 'access' && e.status === 408));
  });

  test('a silent Upgrade tunnel is closed after tunnel_idle, on both sides', async () => {
    const n = front.logs.length;
    const s = await connect();
    s.on('error', () => {});
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
    });
    s.write(
      'GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    assert.ok(await waitFor(() => got.includes('\r\n\r\n'), 3000), 'no 101');
    assert.match(got, /^HTTP\/1\.1 101 /);
    assert.equal(upstreamOpen.size, 1);
    assert.ok(await closedWithin(s, 4000), 'silent tunnel still open');
    assert.ok(await waitFor(() => upstreamOpen.size === 0, 2000), 'upstream side of the tunnel still open');
    assert.ok(front.logs.slice(n).some((e) => e.event === 'http_timeout' && e.timeout === 'tunnel_idle'));
  });

  /** A TLS connection over a TCP socket we can write raw bytes to. */
  const rawTls = async (maxVersion: tls.SecureVersion): Promise<{ raw: net.Socket; s: tls.TLSSocket }> => {
    const raw = net.connect(front.port, '127.0.0.1');
    raw.on('error', () => {});
    const s = tls.connect({
      socket: raw,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      maxVersion,
    });
    s.on('error', () => {});
    await new Promise<void>((resolve) => s.once('secureConnect', () => resolve()));
    return { raw, s };
  };
  /** An application-data record whose contents cannot decrypt. */
  const BOGUS = Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), Buffer.alloc(32, 0xab)]);

  test('a bogus TLS record with a request in flight closes client and upstream at once', async () => {
    const n = front.logs.length;
    const { raw, s } = await rawTls('TLSv1.3');
    s.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n');
    assert.ok(await waitFor(() => upstreamOpen.size === 1, 3000));
    raw.write(BOGUS);
    assert.ok(await waitFor(() => upstreamOpen.size === 0, 1000), 'upstream held after a bad record');
    assert.ok(front.logs.slice(n).some((e) => e.event === 'access' && e.status === 499));
    raw.destroy();
  });

  test('a bogus TLS 1.2 record on an idle connection closes it at once, not at the keep-alive timeout', async () => {
    const { raw } = await rawTls('TLSv1.2');
    raw.write(BOGUS);
    assert.ok(await closedWithin(raw, 1000), 'connection lingers after a bad record');
  });

  test('header and keepalive timeouts log http_timeout lines too', async () => {
    const quick = await startFront(cert, {
      upstream: backend.url,
      http: { headersTimeoutMs: 500, keepAliveTimeoutMs: 500 },
    });
    try {
      const head = await rawExchange(quick.port, 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ', { idleMs: 3000 });
      assert.match(head.response, /^HTTP\/1\.1 408 /);
      const idle = await rawExchange(quick.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', { idleMs: 3000 });
      assert.ok(idle.closed);
      const kinds = quick.logs.filter((e) => e.event === 'http_timeout').map((e) => e.timeout);
      assert.deepEqual(kinds, ['header', 'keepalive']);
    } finally {
      await quick.close();
    }
  });

  test('max_body: a content-length above it gets 413 before the upstream sees anything', async () => {
    const before = backend.requests.length;
    const r = await curl([
      '--http1.1',
      '-w',
      '%{http_code}',
      '-o',
      '/dev/null',
      '--data-binary',
      'x'.repeat(2000),
      `https://127.0.0.1:${front.port}/upload`,
    ]);
    assert.equal(r.stdout, '413');
    assert.equal(backend.requests.length, before);
    const small = await curl([
      '--http1.1',
      '--data-binary',
      'x'.repeat(1000),
      `https://127.0.0.1:${front.port}/upload`,
    ]);
    assert.equal(small.stdout, 'got 1000');
  });

  test('max_body: a chunked body that goes over it is cut with 413', async () => {
    const chunk = `320\r\n${'y'.repeat(800)}\r\n`;
    const r = await rawExchange(
      front.port,
      `POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`,
      { idleMs: 3000 },
    );
    assert.match(r.response, /^HTTP\/1\.1 413 Content Too Large\r\n/);
    assert.ok(r.closed);
  });
});
