// Issue 16 part 3, rate_limit: against a real `tlsterm serve` with two workers, a bounded loop of
// requests on fresh connections (spread over both workers by the cluster) is admitted about once
// (burst + rate × time), not twice; refusals are 429 with Retry-After and logged once a second. And
// two instances sharing Redis (state: redis) enforce one limit together.
import assert from 'node:assert/strict';
import https from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type Backend, startBackend } from './http-harness.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let app: Backend;

const RATE = 4; // per second
const BURST = 4;

before(async () => {
  tmp = makeTempDir('l7-rate');
  pki = await makePki(path.join(tmp.dir, 'front'));
  app = await startBackend((_req, res) => res.end('ok\n'));
  serve = await startServe(
    tmp.dir,
    `extra_ca: [${pki.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: ${app.url}
        rate_limit: { key: client_ip, rate: ${RATE}/s, burst: ${BURST} }
`,
    ['--workers', '2'],
  );
});

after(async () => {
  await serve?.stop();
  await app?.close();
  tmp?.cleanup();
});

/** One GET on a new connection: status and Retry-After. */
const once = (port = serve.port): Promise<{ status: number; retryAfter: string | undefined }> =>
  new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        servername: 'example.test',
        path: '/',
        ca: pki.rootPem,
        agent: false,
        headers: { host: 'example.test', connection: 'close' },
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });

test('two workers together admit burst + rate × time, not twice that', async () => {
  const started = performance.now();
  const results: { status: number; retryAfter: string | undefined }[] = [];
  // Bounded: at most 60 requests and 3 s, a few in flight at a time.
  while (results.length < 60 && performance.now() - started < 3000) {
    results.push(...(await Promise.all([once(), once()])));
  }
  const seconds = (performance.now() - started) / 1000;
  const ok = results.filter((r) => r.status === 200).length;
  const limited = results.filter((r) => r.status === 429);
  const allowed = BURST + RATE * seconds;
  // Both workers served (else this proves nothing about sharing).
  const workers = new Set(serve.events.filter((e) => e['event'] === 'access').map((e) => e['worker']));
  assert.ok(workers.size >= 2, `requests served by ${workers.size} worker(s)`);
  assert.ok(limited.length > 0, `nothing limited in ${results.length} requests`);
  // One sync period of slack per worker, and a token or two of rounding.
  assert.ok(
    ok <= allowed + 3,
    `${ok} admitted in ${seconds.toFixed(2)} s (${results.length} sent); the limit allows ${allowed.toFixed(1)}`,
  );
  assert.ok(ok >= BURST, `only ${ok} admitted`);
  for (const r of limited) assert.match(r.retryAfter ?? '', /^[1-9][0-9]*$/);
  const line = await serve.waitFor((e) => e['event'] === 'rate_limited');
  assert.equal(line['key'], '127.0.0.1');
  assert.equal(line['status'], 429);
  // At most one line per key per second per worker.
  const lines = serve.events.filter((e) => e['event'] === 'rate_limited').length;
  assert.ok(lines <= 2 * (Math.ceil(seconds) + 1), `${lines} rate_limited lines in ${seconds.toFixed(1)} s`);
});

test('two instances sharing Redis admit the limit once between them', async () => {
  const redis: RedisServer = await startRedis();
  const site = (dir: string) => `state_dir: ${dir}
state: { backend: redis, url: "${redis.url()}" }
extra_ca: [${pki.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: ${app.url}
        rate_limit: { key: client_ip, rate: ${RATE}/s, burst: ${BURST} }
`;
  const a = await startServe(tmp.dir, site(`${tmp.dir}/state-a`), ['--workers', '1'], 'a.yaml');
  const b = await startServe(tmp.dir, site(`${tmp.dir}/state-b`), ['--workers', '1'], 'b.yaml');
  try {
    const started = performance.now();
    const results: number[] = [];
    // Bounded: at most 60 requests and 3 s, one to each instance at a time.
    while (results.length < 60 && performance.now() - started < 3000) {
      const [x, y] = await Promise.all([once(a.port), once(b.port)]);
      results.push(x.status, y.status);
    }
    const seconds = (performance.now() - started) / 1000;
    const ok = results.filter((s) => s === 200).length;
    const allowed = BURST + RATE * seconds;
    assert.ok(
      results.some((s) => s === 429),
      'nothing limited',
    );
    assert.ok(
      ok <= allowed + 3,
      `${ok} admitted in ${seconds.toFixed(2)} s (${results.length} sent); the limit allows ${allowed.toFixed(1)}`,
    );
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
  }
});
