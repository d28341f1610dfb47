// Every state of an HTTP/2 connection is bounded (issue 13): streams whose client does not read,
// bodies that stop, idle sessions; a cut upstream body is a reset stream, never a complete one; a
// malformed request resets its own stream only. Raw frames where a client library would not
// misbehave; curl and nghttp where users would look.

import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  errorCodeOf,
  FLAG,
  FRAME,
  type Frame,
  getRequest,
  rawH2,
  settingsFrame,
} from '../helpers/h2-frames.ts';
import {
  type Backend,
  curl,
  type Front,
  hasCommand,
  makeCert,
  sh,
  startBackend,
  startFront,
  type TestCert,
  waitFor,
} from './http-harness.ts';

const { NGHTTP2_PROTOCOL_ERROR, NGHTTP2_INTERNAL_ERROR } = http2.constants;
const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

let cert: TestCert;
let backend: Backend;
let front: Front;
const upstreamOpen = new Set<net.Socket>();
const CHUNK = Buffer.alloc(64 * 1024, 0x78);

before(async () => {
  cert = makeCert();
  backend = await startBackend((req, res) => {
    if (req.url === '/endless') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = (): void => {
        while (!res.destroyed && res.write(CHUNK));
      };
      res.on('drain', pump);
      pump();
      return;
    }
    if (req.url === '/truncated') {
      // Chunked, then the connection drops in the middle of the body.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('the first half, ');
      setTimeout(() => req.socket.destroy(), 100);
      return;
    }
    if (req.url === '/slow') {
      setTimeout(() => {
        if (!res.destroyed) res.end('late');
      }, 2500).unref();
      return;
    }
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
    });
    req.on('end', () => res.end(`got ${n} ${req.headers['x-probe'] === undefined ? '' : 'x-probe'}`));
  });
  backend.server.on('connection', (s: net.Socket) => {
    upstreamOpen.add(s);
    s.on('close', () => upstreamOpen.delete(s));
  });
  front = await startFront(cert, {
    upstream: backend.url,
    http: {
      sendTimeoutMs: 1000,
      bodyTimeoutMs: 1000,
      h2IdleTimeoutMs: 1000,
      keepAliveTimeoutMs: 30_000,
      maxBodyBytes: 1000,
      h2MaxStreams: 40,
    },
  });
});

after(async () => {
  await front.close();
  await backend.close();
});

const on = (stream: number, type: number) => (f: Frame) => f.stream === stream && f.type === type;

describe('HTTP/2 bounds', () => {
  test('20 streams with a zero window: upstream connections released after the send timeout, streams reset', async () => {
    const n = front.logs.length;
    const accepted = backend.connections;
    const c = await rawH2(front.port, [settingsFrame([[SETTINGS_INITIAL_WINDOW_SIZE, 0]])]);
    const ids = Array.from({ length: 20 }, (_, i) => 1 + 2 * i);
    for (const id of ids) c.send(getRequest(id, '/endless'));
    // One upstream connection per stream (counted as accepted: on a loaded machine the first may
    // already be released when the last arrives).
    assert.ok(
      await waitFor(() => backend.connections - accepted === 20, 5000),
      'not 20 upstream connections',
    );
    const t0 = performance.now();
    assert.ok(await waitFor(() => upstreamOpen.size === 0, 5000), `${upstreamOpen.size} upstream still held`);
    assert.ok(performance.now() - t0 < 4000);
    for (const id of ids)
      assert.ok(await c.waitFrame(on(id, FRAME.rstStream), 2000), `stream ${id} not reset`);
    c.close();
    const timeouts = front.logs.slice(n).filter((e) => e.event === 'http_timeout' && e.timeout === 'send');
    assert.equal(timeouts.length, 20);
  });

  test('SETTINGS advertise h2_max_streams', async () => {
    const c = await rawH2(front.port);
    const s = await c.waitFrame((f) => f.type === FRAME.settings && (f.flags & FLAG.ack) === 0);
    c.close();
    assert.ok(s);
    const values = new Map<number, number>();
    for (let i = 0; i + 6 <= s.payload.length; i += 6)
      values.set(s.payload.readUInt16BE(i), s.payload.readUInt32BE(i + 2));
    assert.equal(values.get(SETTINGS_MAX_CONCURRENT_STREAMS), 40);
  });

  test('an upstream body cut short reaches the client as RST_STREAM(INTERNAL_ERROR): curl fails', async () => {
    const r = await curl(['--http2', `https://127.0.0.1:${front.port}/truncated`]);
    assert.equal(r.code, 92, `curl exit ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /INTERNAL_ERROR/);
    const c = await rawH2(front.port);
    c.send(getRequest(1, '/truncated'));
    const rst = await c.waitFrame(on(1, FRAME.rstStream), 3000);
    c.close();
    assert.ok(rst);
    assert.equal(errorCodeOf(rst), NGHTTP2_INTERNAL_ERROR);
    // No frame on the stream ended it cleanly before the reset.
    assert.ok(
      !c.frames.some((f) => f.stream === 1 && f.type !== FRAME.rstStream && (f.flags & FLAG.endStream) !== 0),
    );
  });

  test('nghttp sees the RST_STREAM of a cut upstream body', { skip: !hasCommand('nghttp') }, async () => {
    const r = await sh(`nghttp -nv https://127.0.0.1:${front.port}/truncated`, 15_000);
    assert.match(
      r.stdout,
      /recv RST_STREAM frame <length=4, flags=0x00, stream_id=13>\s+\(error_code=INTERNAL_ERROR\(0x02\)\)/,
    );
  });

  test('a malformed request resets its own stream with PROTOCOL_ERROR; another stream completes', async () => {
    const c = await rawH2(front.port);
    c.send(getRequest(1, '/one', [['host', 'other.test']])); // host differs from :authority
    c.send(getRequest(3, '/two'));
    const rst = await c.waitFrame(on(1, FRAME.rstStream), 3000);
    const done = await c.waitFrame(
      (f) => f.stream === 3 && f.type === FRAME.data && (f.flags & FLAG.endStream) !== 0,
    );
    c.close();
    assert.ok(rst, 'stream 1 not reset');
    assert.equal(errorCodeOf(rst), NGHTTP2_PROTOCOL_ERROR);
    assert.ok(done, 'stream 3 did not complete');
    assert.ok(!c.frames.some((f) => f.type === FRAME.goaway), 'the whole connection was torn down');
  });

  test('a CR, LF or NUL in a field value never reaches the upstream (node:http2 drops the field)', async () => {
    for (const bad of ['a\rb', 'a\nb', 'a\0b']) {
      const c = await rawH2(front.port);
      c.send(getRequest(1, '/echo', [['x-probe', bad]]));
      const data = await c.waitFrame(on(1, FRAME.data), 3000);
      c.close();
      assert.ok(data);
      assert.equal(data.payload.toString(), 'got 0 ');
    }
  });

  test('a request body that stops arriving gets 408 after the body timeout; the upstream is closed', async () => {
    const n = front.logs.length;
    const session = http2.connect(`https://127.0.0.1:${front.port}`, { rejectUnauthorized: false });
    session.on('error', () => {});
    try {
      const req = session.request({ ':method': 'POST', ':path': '/upload' });
      req.on('error', () => {});
      req.write('x'); // and nothing more
      const status = await new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 5000);
        req.on('response', (h) => {
          clearTimeout(timer);
          resolve(h[':status']);
        });
      });
      assert.equal(status, 408);
      assert.ok(await waitFor(() => upstreamOpen.size === 0, 2000), 'upstream connection still held');
    } finally {
      session.destroy();
    }
    assert.ok(front.logs.slice(n).some((e) => e.event === 'http_timeout' && e.timeout === 'body'));
  });

  test('max_body over h2: content-length above it, and a body without one that goes over', async () => {
    const session = http2.connect(`https://127.0.0.1:${front.port}`, { rejectUnauthorized: false });
    session.on('error', () => {});
    const post = (headers: http2.OutgoingHttpHeaders, body: Buffer): Promise<number | undefined> =>
      new Promise((resolve) => {
        const req = session.request({ ':method': 'POST', ':path': '/upload', ...headers });
        req.on('error', () => resolve(undefined));
        const timer = setTimeout(() => resolve(undefined), 5000);
        req.on('response', (h) => {
          clearTimeout(timer);
          resolve(h[':status']);
        });
        req.end(body);
      });
    try {
      assert.equal(await post({ 'content-length': 2000 }, Buffer.alloc(2000)), 413);
      assert.equal(await post({}, Buffer.alloc(2000)), 413);
      assert.equal(await post({}, Buffer.alloc(1000)), 200);
    } finally {
      session.destroy();
    }
  });

  test('an h2 connection with no open stream gets GOAWAY after h2_idle, not while a stream waits', async () => {
    const n = front.logs.length;
    const c = await rawH2(front.port);
    c.send(getRequest(1, '/slow')); // answered after 2.5 s: the session is not idle meanwhile
    const early = await c.waitFrame((f) => f.type === FRAME.goaway, 2000);
    assert.equal(early, undefined, 'GOAWAY with a stream open');
    assert.ok(await c.waitFrame((f) => f.stream === 1 && (f.flags & FLAG.endStream) !== 0, 3000));
    const goaway = await c.waitFrame((f) => f.type === FRAME.goaway, 3000);
    assert.ok(goaway, 'no GOAWAY on an idle session');
    await Promise.race([c.closed, new Promise((r) => setTimeout(r, 3000))]);
    c.close();
    assert.ok(front.logs.slice(n).some((e) => e.event === 'http_timeout' && e.timeout === 'h2_idle'));
  });
});
