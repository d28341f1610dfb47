// Issue 16 part 2 through a real `tlsterm serve` with 2 workers: a backend killed under a bounded
// load loop (no client sees more failures than requests in flight; ejected, then down by active
// checks; back after `rise` checks once restarted), a slow backend (response_header timeout, the GET
// retried on another server, a POST with a body not), all servers down (503 at once, Retry-After),
// consistent hashing (a key lands on one server whichever worker serves it), least_conn around a
// slow server, and nginx as a pool server.

import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { hasNginx, type RunningNginx, startNginx } from '../helpers/nginx.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { certLine, curlFront, type NamedBackend, startNamed } from './l7-harness.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
const backends: NamedBackend[] = [];
let k1: NamedBackend;
let k2: NamedBackend;
let k3: NamedBackend;
let slow: NamedBackend;
let fast: NamedBackend;
let lcSlow: NamedBackend;
let lcFast: NamedBackend;
let h1: NamedBackend;
let h2: NamedBackend;
let h3: NamedBackend;
let nginx: RunningNginx | undefined;

const named = async (n: string) => {
  const b = await startNamed(n);
  backends.push(b);
  return b;
};

before(async () => {
  tmp = makeTempDir('l7-pools');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const chain = await pki.issue(['example.test'], { name: 'l7' });
  k1 = await named('k1');
  k2 = await named('k2');
  k3 = await named('k3');
  slow = await named('slow');
  fast = await named('fast');
  lcSlow = await named('lcslow');
  lcFast = await named('lcfast');
  h1 = await named('h1');
  h2 = await named('h2');
  h3 = await named('h3');
  slow.delayMs = 3000;
  lcSlow.delayMs = 5000;
  const dead1 = await freePort();
  const dead2 = await freePort();
  if (hasNginx())
    nginx = await startNginx(
      path.join(tmp.dir, 'nginx'),
      (port) => `server { listen 127.0.0.1:${port}; location / { return 200 "nginx $request_uri\\n"; } }`,
    );
  serve = await startServe(
    tmp.dir,
    `extra_ca: [${pki.rootPath}]
workers: 2
pools:
  kill:
    servers: [${k1.url}, ${k2.url}, ${k3.url}]
    health: { path: /healthz, interval: 1200ms, timeout: 1s, rise: 2, fall: 2 }
    passive: { failures: 2, window: 10s, cooldown: 60s }
    retries: { attempts: 2, budget: 50% }
  slow:
    servers: [${slow.url}, ${fast.url}]
    passive: { failures: 0 }
    timeouts: { response_header: 400ms }
    retries: { attempts: 1, budget: 100% }
  dead:
    servers: [http://127.0.0.1:${dead1}, http://127.0.0.1:${dead2}]
    passive: { failures: 1, cooldown: 60s }
  sticky:
    servers: [${h1.url}, ${h2.url}, ${h3.url}]
    balance: hash
    hash_key: header:x-user
  lc:
    servers: [${lcSlow.url}, ${lcFast.url}]
    balance: least_conn
    passive: { failures: 0 }
  mixed:
    servers: [${nginx !== undefined ? `http://127.0.0.1:${nginx.port}` : fast.url}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        ${certLine(chain.fullchainPath, chain.keyPath)}
        routes:
          - { match: { path_prefix: /k/ }, pool: kill }
          - { match: { path_prefix: /s/ }, pool: slow }
          - { match: { path_prefix: /d/ }, pool: dead }
          - { match: { path_prefix: /h/ }, pool: sticky }
          - { match: { path_prefix: /lc/ }, pool: lc }
          - { match: { path_prefix: /n/ }, pool: mixed }
`,
  );
});

after(async () => {
  if (process.env['L7_DEBUG'])
    for (const e of serve?.events ?? []) if (e['event'] !== 'handshake') console.error(JSON.stringify(e));
  await serve?.stop();
  await nginx?.stop();
  await Promise.all(backends.map((b) => b.close()));
  tmp?.cleanup();
});

const requests = (p: (e: Record<string, unknown>) => boolean) =>
  serve.events.filter((e) => e['event'] === 'access' && p(e));

describe('pools under failure', () => {
  test('a backend killed under load: ≤ in-flight failures, ejected, down, back after rise', async () => {
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 10,
      ca: pki.rootPem,
      servername: 'example.test',
    });
    const get = (i: number) =>
      new Promise<number>((resolve) => {
        const req = https.get(
          {
            host: '127.0.0.1',
            port: serve.port,
            path: `/k/${i}`,
            agent,
            headers: { host: 'example.test' },
            timeout: 10_000,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', () => resolve(-1));
          },
        );
        req.on('error', () => resolve(-1));
        req.on('timeout', () => req.destroy());
      });
    const TOTAL = 300;
    const IN_FLIGHT = 10;
    let next = 0;
    let failures = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < TOTAL && Date.now() - started < 60_000) {
        const i = next++;
        if (i === 100) await k3.close(); // killed mid-run
        const status = await get(i);
        if (status !== 200) failures++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    agent.destroy();
    assert.equal(next, TOTAL, 'the loop ran to the end');
    assert.ok(failures <= IN_FLIGHT, `${failures} failures`);
    const k3origin = `http://127.0.0.1:${k3.port}`;
    const ejected = await serve.waitFor(
      (e) => e['event'] === 'upstream_ejected' && e['upstream'] === k3origin,
      10_000,
    );
    assert.equal(ejected['pool'], 'kill');
    await serve.waitFor((e) => e['event'] === 'upstream_down' && e['upstream'] === k3origin, 10_000);
    // Health is decided once per instance: one ejection line, not one per worker.
    assert.equal(
      serve.events.filter((e) => e['event'] === 'upstream_ejected' && e['upstream'] === k3origin).length,
      1,
    );
    const retried = requests((e) => String(e['retried_from'] ?? '') === k3origin);
    assert.ok(retried.every((e) => e['status'] === 200 && e['upstream_attempts'] === 2));

    const seenBefore = k3.seen.length;
    const mark = serve.events.length;
    await k3.restart();
    const up = await serve.waitFor(
      (e) => e['event'] === 'upstream_up' && e['upstream'] === k3origin && serve.events.indexOf(e) >= mark,
      10_000,
    );
    assert.match(String(up['reason']), /passed 2 times/);
    const r = await curlFront(
      serve.port,
      Array.from({ length: 9 }, (_, i) => `/k/back${i}`),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(k3.seen.length - seenBefore, 3, 'round robin includes it again');
  });

  test('a slow backend: the GET is retried on another server within the timeout; a POST is not', async () => {
    const gets = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        curlFront(serve.port, [`/s/g${i}`], ['-o', '/dev/null', '-w', '%{http_code} %{time_total}']),
      ),
    );
    for (const g of gets) assert.match(g.stdout, /^200 /, 'every GET answered 200');
    const retried = await serve.waitFor(
      (e) => e['event'] === 'access' && e['upstream_attempts'] === 2 && String(e['uri']).startsWith('/s/g'),
    );
    assert.equal(retried['retried_from'], slow.url);
    assert.equal(retried['upstream'], fast.url);

    const posts = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        curlFront(
          serve.port,
          [`/s/p${i}`],
          ['-X', 'POST', '-d', 'order=1', '-o', '/dev/null', '-w', '%{http_code}'],
        ),
      ),
    );
    const codes = posts.map((p) => p.stdout).sort();
    assert.ok(codes.includes('504'), `a POST that reached the slow server gets 504: ${codes}`);
    await serve.waitFor(
      (e) => e['event'] === 'upstream_error' && e['error'] === 'RESPONSE_TIMEOUT' && e['method'] === 'POST',
    );
    assert.equal(
      requests((e) => e['method'] === 'POST' && e['upstream_attempts'] !== 1).length,
      0,
      'no POST retried',
    );
  });

  test('every server down: 503 at once with Retry-After, the reason logged', async () => {
    // The first requests find both refusing (and report it): ejected, for every worker.
    await curlFront(serve.port, ['/d/1']);
    await serve.waitFor((e) => e['event'] === 'upstream_ejected' && e['pool'] === 'dead', 5000);
    for (
      let i = 0;
      i < 20 &&
      serve.events.filter((e) => e['event'] === 'upstream_ejected' && e['pool'] === 'dead').length < 2;
      i++
    ) {
      await curlFront(serve.port, ['/d/2']);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 200));
    const r = await curlFront(serve.port, ['/d/3'], ['-i', '-w', '\n%{time_total}']);
    assert.match(r.stdout, /^HTTP\/1\.1 503/);
    assert.match(r.stdout, /retry-after: 5\r\n/i);
    const seconds = Number(r.stdout.trim().split('\n').pop());
    assert.ok(seconds < 1, `answered in ${seconds} s`);
    const err = await serve.waitFor(
      (e) => e['event'] === 'upstream_error' && e['error'] === 'NO_HEALTHY_UPSTREAM',
    );
    assert.match(
      String(err['detail']),
      /no server of pool dead is up: .*ejected after 1 failures \(ECONNREFUSED\)/,
    );
  });
});

describe('balancers through serve', () => {
  test('consistent hashing: each key lands on one server, whichever worker serves it', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `user-${i}`);
    for (let round = 0; round < 4; round++)
      await Promise.all(
        users.map((u) => curlFront(serve.port, [`/h/${u}/${round}`], ['-H', `x-user: ${u}`])),
      );
    // The access lines reach stdout a moment after the responses (written once per event-loop turn).
    const hashed = (e: Record<string, unknown>) => String(e['uri']).startsWith('/h/');
    await serve.waitFor(() => requests(hashed).length >= 32, 10_000);
    const lines = requests(hashed);
    assert.equal(lines.length, 32);
    for (const u of users) {
      const mine = lines.filter((e) => String(e['uri']).startsWith(`/h/${u}/`));
      assert.equal(new Set(mine.map((e) => e['upstream'])).size, 1, `${u} stuck to one server`);
    }
    assert.equal(new Set(lines.map((e) => e['worker'])).size, 2, 'both workers served');
    assert.ok(new Set(lines.map((e) => e['upstream'])).size >= 2, 'keys spread over servers');
  });

  test('least_conn: while the slow server holds a request, the next ones all go to the other', async () => {
    const session = http2.connect(`https://example.test:${serve.port}`, {
      ca: pki.rootPem,
      lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }] as never),
    });
    session.on('error', () => {});
    const get = (p: string) =>
      new Promise<number>((resolve) => {
        const req = session.request({ ':path': p });
        let status = 0;
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('error', () => resolve(-1));
        req.resume();
        req.on('end', () => resolve(status));
      });
    const held = get('/lc/held'); // ties go to the first server: the slow one
    await new Promise((r) => setTimeout(r, 300));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await get(`/lc/${i}`));
    assert.deepEqual(statuses, Array(10).fill(200));
    assert.equal(lcSlow.seen.length, 1, 'round robin would have sent it 5 of the 10');
    assert.equal(lcFast.seen.length, 10);
    assert.equal(await held, 200);
    session.close();
  });

  test('nginx as a pool server', { skip: !hasNginx() && 'nginx not installed' }, async () => {
    const r = await curlFront(serve.port, ['/n/x?y=1']);
    assert.equal(r.stdout, 'nginx /n/x?y=1\n');
  });
});
