// Large bodies stream through the proxy with backpressure: memory stays flat whatever the size.
// curl runs in its own process, so this process's RSS is the proxy's (plus the in-process backend,
// which also streams with backpressure). In every test the receiving end is rate-limited below what
// the sender can produce, so a proxy without working backpressure would buffer hundreds of MiB.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  type Backend,
  type Front,
  makeCert,
  sh,
  startBackend,
  startFront,
  type TestCert,
} from './http-harness.ts';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.STREAM_MIB ?? 256) * MiB;
const LIMIT = 64 * MiB;
/** Receiver speed: slower than loopback TLS (~400 MiB/s here), fast enough for a quick test. */
const RATE = 120 * MiB;

let cert: TestCert;
let backend: Backend;
let front: Front;
let received = 0;
let tmp: string;

// A full GC before each baseline, so the figure is what the transfer holds, not garbage that an
// earlier test left for the collector (socket read buffers are collected lazily).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A body of `size` bytes produced on demand from one reused buffer. */
const zeros = (size: number): Readable => {
  const block = Buffer.alloc(64 * 1024);
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
};

before(async () => {
  cert = makeCert();
  backend = await startBackend((req, res) => {
    if (req.method === 'GET') {
      const size = req.url === '/warm' ? 16 * MiB : SIZE;
      res.setHeader('content-length', String(size));
      zeros(size).pipe(res);
      return;
    }
    // Read at RATE bytes/s at most: pause whenever ahead of schedule.
    let n = 0;
    const t0 = performance.now();
    req.on('data', (c: Buffer) => {
      n += c.length;
      const ahead = (n / RATE) * 1000 - (performance.now() - t0);
      if (ahead > 5) {
        req.pause();
        setTimeout(() => req.resume(), ahead);
      }
    });
    req.on('end', () => {
      received = n;
      res.end(String(n));
    });
  });
  // 256 MiB uploads: past the default max_body (100 MiB), so none here (0).
  front = await startFront(cert, {
    upstream: backend.url,
    responseTimeoutMs: 60_000,
    http: { maxBodyBytes: 0 },
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsterm-http-stream-'));
  // Warm up (JIT, TLS, pools) so the first measured test is not charged for start-up.
  await sh(`curl -sS -k --http1.1 -o /dev/null https://localhost:${front.port}/warm`, 60_000);
});

after(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await front.close();
  await backend.close();
});

/** Run `work` while sampling RSS (bounded: one sample per 50 ms for as long as work runs). */
const measure = async <T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> => {
  gc();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - baseline };
  } finally {
    clearInterval(timer);
  }
};

const url = (p: string) => `https://localhost:${front.port}${p}`;
const CURL = 'curl -sS -k --max-time 90';
const SLOW_CURL = `${CURL} --limit-rate ${RATE}`;

describe(`streaming ${SIZE / MiB} MiB through the proxy holds memory flat`, () => {
  test('download over HTTP/1.1', async () => {
    const { result, growth } = await measure(() =>
      sh(`${SLOW_CURL} --http1.1 -o /dev/null -w '%{http_code} %{size_download}' ${url('/big')}`, 100_000),
    );
    assert.equal(result.stdout, `200 ${SIZE}`, result.stderr);
    assert.ok(growth < LIMIT, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });

  test('download over h2 (flow control)', async () => {
    const { result, growth } = await measure(() =>
      sh(`${SLOW_CURL} --http2 -o /dev/null -w '%{http_code} %{size_download}' ${url('/big')}`, 100_000),
    );
    assert.equal(result.stdout, `200 ${SIZE}`, result.stderr);
    assert.ok(growth < LIMIT, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });

  test('chunked upload over HTTP/1.1', async () => {
    received = 0;
    const { result, growth } = await measure(() =>
      sh(`head -c ${SIZE} /dev/zero | ${CURL} --http1.1 -T - ${url('/up')}`, 100_000),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, String(SIZE));
    assert.equal(received, SIZE);
    assert.ok(growth < LIMIT, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });

  test('Content-Length upload over HTTP/1.1', async () => {
    received = 0;
    // A sparse file: curl sends it with Content-Length (curl -T - would send chunked).
    const file = path.join(tmp, 'upload');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, SIZE);
    const { result, growth } = await measure(() => sh(`${CURL} --http1.1 -T ${file} ${url('/up')}`, 100_000));
    fs.rmSync(file);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, String(SIZE));
    assert.ok(growth < LIMIT, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });

  test('upload over h2', async () => {
    received = 0;
    const { result, growth } = await measure(() =>
      sh(`head -c ${SIZE} /dev/zero | ${CURL} --http2 -T - ${url('/up')}`, 100_000),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, String(SIZE));
    assert.ok(growth < LIMIT, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });
});
