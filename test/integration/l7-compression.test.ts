// Issue 16 part 3, compression: through a real `tlsterm serve` (two workers) to a Node app. gzip and
// br decoded by curl --compressed equal the original bytes (h1 and h2); Vary added, Content-Length
// gone, ETag weakened; small, pre-compressed, ranged, HEAD and no-transform responses untouched; an
// SSE-style stream (one event per 200 ms) is not held back by the compressor.
import assert from 'node:assert/strict';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type Backend, curl, startBackend } from './http-harness.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let app: Backend;

// Compressible but not trivially: lines with numbers.
const TEXT = Array.from({ length: 400 }, (_, i) => `line ${i}: the quick brown fox ${i * 7919}\n`).join('');
const EVENTS = 4;

before(async () => {
  tmp = makeTempDir('l7-compression');
  pki = await makePki(path.join(tmp.dir, 'front'));
  app = await startBackend((req, res) => {
    const url = req.url ?? '';
    if (url === '/text' || url === '/notransform') {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('content-length', Buffer.byteLength(TEXT));
      res.setHeader('etag', '"v1"');
      res.setHeader('vary', 'Origin');
      if (url === '/notransform') res.setHeader('cache-control', 'no-transform');
      res.end(TEXT);
    } else if (url === '/json-chunked') {
      res.setHeader('content-type', 'application/json');
      res.write('{"items":[');
      res.end(`${Array.from({ length: 300 }, (_, i) => `{"n":${i}}`).join(',')}]}`);
    } else if (url === '/small') {
      res.setHeader('content-type', 'text/plain');
      res.end('tiny\n');
    } else if (url === '/image') {
      res.setHeader('content-type', 'image/png');
      res.end(Buffer.alloc(4096, 7));
    } else if (url === '/pre') {
      const gz = zlib.gzipSync(TEXT);
      res.setHeader('content-type', 'text/plain');
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('content-length', gz.length);
      res.end(gz);
    } else if (url === '/range') {
      const part = TEXT.slice(0, 2000);
      res.statusCode = 206;
      res.setHeader('content-type', 'text/plain');
      res.setHeader('content-range', `bytes 0-1999/${TEXT.length}`);
      res.setHeader('content-length', 2000);
      res.end(part);
    } else if (url === '/sse') {
      res.setHeader('content-type', 'text/event-stream');
      res.setHeader('cache-control', 'no-cache');
      let n = 0;
      const tick = () => {
        res.write(`data: event ${n}\n\n`);
        if (++n < EVENTS) setTimeout(tick, 200);
        else res.end();
      };
      tick();
    } else res.end('?\n');
  });
  serve = await startServe(
    tmp.dir,
    `extra_ca: [${pki.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: ${app.url}
        compression: { algorithms: [br, gzip], min_size: 1k, types: [text/*, application/json] }
`,
    ['--workers', '2'],
  );
});

after(async () => {
  await serve?.stop();
  await app?.close();
  tmp?.cleanup();
});

interface Got {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
}

const get = async (p: string, args: string[] = []): Promise<Got> => {
  const r = await curl([
    ...args,
    '--cacert',
    pki.rootPath,
    '--resolve',
    `example.test:${serve.port}:127.0.0.1`,
    '-D',
    '-',
    `https://example.test:${serve.port}${p}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const c = line.indexOf(':');
    headers.set(line.slice(0, c).toLowerCase(), line.slice(c + 1).trim());
  }
  return { status: Number(head[0]?.split(' ')[1]), headers, body: r.stdout.slice(split + 4) };
};

describe('compressed', () => {
  for (const proto of ['--http1.1', '--http2'])
    for (const coding of ['gzip', 'br'])
      test(`${coding} over ${proto.slice(2)}: decoded by curl, byte-equal; Vary, no Content-Length, weak ETag`, async () => {
        const r = await get('/text', [proto, '--compressed', '-H', `accept-encoding: ${coding}`]);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('content-encoding'), coding);
        assert.equal(r.body, TEXT);
        assert.equal(r.headers.get('vary'), 'Origin, Accept-Encoding');
        assert.equal(r.headers.get('content-length'), undefined);
        assert.equal(r.headers.get('etag'), 'W/"v1"');
      });

  test('q-values: br;q=0.5, gzip;q=1 picks gzip; gzip;q=0 picks br; identity only: none', async () => {
    const a = await get('/text', ['--compressed', '-H', 'accept-encoding: br;q=0.5, gzip;q=1']);
    assert.equal(a.headers.get('content-encoding'), 'gzip');
    const b = await get('/text', ['--compressed', '-H', 'accept-encoding: gzip;q=0, br']);
    assert.equal(b.headers.get('content-encoding'), 'br');
    const c = await get('/text', ['-H', 'accept-encoding: identity']);
    assert.equal(c.headers.get('content-encoding'), undefined);
    assert.equal(c.body, TEXT);
  });

  test('unknown length (chunked JSON) is compressed', async () => {
    const r = await get('/json-chunked', ['--http1.1', '--compressed']);
    assert.equal(r.headers.get('content-encoding'), 'br');
    assert.equal((JSON.parse(r.body) as { items: unknown[] }).items.length, 300);
  });
});

describe('untouched', () => {
  test('below min_size, a type not listed, pre-compressed, 206, no-transform, HEAD', async () => {
    const ae = ['-H', 'accept-encoding: gzip, br'];
    const small = await get('/small', ae);
    assert.equal(small.headers.get('content-encoding'), undefined);
    assert.equal(small.body, 'tiny\n');
    assert.equal((await get('/image', ae)).headers.get('content-encoding'), undefined);
    const pre = await get('/pre', ae);
    assert.equal(pre.headers.get('content-encoding'), 'gzip');
    assert.equal(pre.headers.get('content-length'), String(zlib.gzipSync(TEXT).length), 'passed as it is');
    const range = await get('/range', ae);
    assert.equal(range.status, 206);
    assert.equal(range.headers.get('content-encoding'), undefined);
    assert.equal(range.headers.get('content-length'), '2000');
    assert.equal(range.body, TEXT.slice(0, 2000));
    const nt = await get('/notransform', ae);
    assert.equal(nt.headers.get('content-encoding'), undefined);
    assert.equal(nt.headers.get('etag'), '"v1"');
    const head = await get('/text', [...ae, '-I']);
    assert.equal(head.headers.get('content-encoding'), undefined);
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(TEXT)));
  });
});

describe('streaming', () => {
  for (const coding of ['gzip', 'br'] as const)
    test(`an SSE stream compressed with ${coding}: the first event arrives before the upstream ends`, async () => {
      const started = performance.now();
      const firstAt = await new Promise<number>((resolve, reject) => {
        const req = https.get(
          {
            host: '127.0.0.1',
            port: serve.port,
            servername: 'example.test',
            path: '/sse',
            ca: pki.rootPem,
            agent: false,
            headers: { host: 'example.test', 'accept-encoding': coding },
            timeout: 8000,
          },
          (res) => {
            assert.equal(res.headers['content-encoding'], coding);
            const d = coding === 'gzip' ? zlib.createGunzip() : zlib.createBrotliDecompress();
            let text = '';
            let first = 0;
            d.on('data', (c: Buffer) => {
              text += c.toString();
              if (first === 0 && text.includes('data: event 0\n\n')) first = performance.now();
            });
            d.on('end', () => {
              assert.equal(text, Array.from({ length: EVENTS }, (_, i) => `data: event ${i}\n\n`).join(''));
              resolve(first - started);
            });
            d.on('error', reject);
            res.pipe(d);
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
      });
      const total = performance.now() - started;
      // The upstream takes (EVENTS-1) × 200 ms = 600 ms; a held-back stream shows nothing until then.
      assert.ok(total >= 550, `the stream took ${total.toFixed(0)} ms`);
      assert.ok(firstAt < total - 300, `first event at ${firstAt.toFixed(0)} ms of ${total.toFixed(0)} ms`);
    });
});
