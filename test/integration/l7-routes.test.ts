// Issue 16 part 1 through a real `tlsterm serve` with 2 workers: routes by path, method, header and
// query (curl over HTTP/1.1, node:http2 over h2), the local actions (redirect, respond, inspect),
// strip_prefix and the Host rewrite as the backend sees them, a site whose upstream serves what no
// route matches, and weighted round robin's exact counts on one keep-alive connection.

import assert from 'node:assert/strict';
import http2 from 'node:http2';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { certLine, curlFront, type NamedBackend, startNamed } from './l7-harness.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let a: NamedBackend;
let b: NamedBackend;
let c: NamedBackend;
let site: NamedBackend;

before(async () => {
  tmp = makeTempDir('l7-routes');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const chain = await pki.issue(['example.test', 'api.example.test'], { name: 'l7' });
  [a, b, c, site] = await Promise.all([
    startNamed('a'),
    startNamed('b'),
    startNamed('c'),
    startNamed('site'),
  ]);
  serve = await startServe(
    tmp.dir,
    `extra_ca: [${pki.rootPath}]
workers: 2
pools:
  api:
    servers:
      - { url: ${a.url}, weight: 3 }
      - ${b.url}
      - ${c.url}
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test, api.example.test]
        ${certLine(chain.fullchainPath, chain.keyPath)}
        upstream: ${site.url}
        routes:
          - match: { path_prefix: /api/, method: [GET, HEAD] }
            pool: api
            strip_prefix: /api
            host: api.internal
          - match: { path_prefix: /canary/, header: { x-canary: "1" } }
            upstream: ${c.url}
          - match: { path_prefix: /canary/, query: { v: "~^2" } }
            upstream: ${b.url}
            replace_prefix: { from: /canary, to: /v2 }
          - match: { host: api.example.test }
            upstream: ${b.url}
          - match: { path: /ping }
            respond: { status: 200, body: "pong\\n", content_type: text/plain }
          - match: { path_prefix: /old/ }
            redirect: { status: 301, location: "https://{host}/new{path}?{query}" }
          - match: { path: /tls }
            handler: inspect
`,
  );
});

after(async () => {
  await serve?.stop();
  await Promise.all([a, b, c, site].map((x) => x?.close()));
  tmp?.cleanup();
});

const lastSeen = (x: NamedBackend) => x.seen[x.seen.length - 1];

describe('routes over HTTP/1.1 (curl)', () => {
  test('path prefix + method → the pool, with the prefix stripped and Host rewritten', async () => {
    const r = await curlFront(serve.port, ['/api/users?id=7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[abc] GET \/users\?id=7 host=api\.internal$/m);
    // The same path with a method the route does not list goes to the site's upstream, untouched.
    const post = await curlFront(serve.port, ['/api/users'], ['-X', 'POST', '-d', 'x=1']);
    assert.equal(post.stdout, `site POST /api/users host=example.test:${serve.port}\n`);
  });

  test('header and query matchers; replace_prefix', async () => {
    const byHeader = await curlFront(serve.port, ['/canary/x'], ['-H', 'x-canary: 1']);
    assert.equal(byHeader.stdout.split(' ')[0], 'c');
    const byQuery = await curlFront(serve.port, ['/canary/x?v=2.1']);
    assert.equal(byQuery.stdout, `b GET /v2/x?v=2.1 host=example.test:${serve.port}\n`);
    const neither = await curlFront(serve.port, ['/canary/x?v=1']);
    assert.equal(neither.stdout.split(' ')[0], 'site', 'no route matched: the site upstream');
  });

  test('host matcher', async () => {
    const r = await curlFront(serve.port, [`https://api.example.test:${serve.port}/anything`]);
    assert.equal(r.stdout.split(' ')[0], 'b');
  });

  test('respond, redirect (location template) and inspect', async () => {
    const ping = await curlFront(serve.port, ['/ping'], ['-i']);
    assert.match(ping.stdout, /^HTTP\/1\.1 200/);
    assert.match(ping.stdout, /content-type: text\/plain/i);
    assert.match(ping.stdout, /\r\n\r\npong\n$/);
    const old = await curlFront(serve.port, ['/old/page?x=1'], ['-i']);
    assert.match(old.stdout, /^HTTP\/1\.1 301/);
    assert.match(old.stdout, /location: https:\/\/example\.test\/new\/old\/page\?x=1\r\n/i);
    const tls = await curlFront(serve.port, ['/tls'], ['-H', 'accept: application/json']);
    assert.match(tls.stdout, /"version": "TLS1\.3"/);
  });

  test('weighted round robin: 3,1,1 on one keep-alive connection gives exactly 30/10/10 of 50', async () => {
    const before = [a, b, c].map((x) => x.seen.length);
    const r = await curlFront(
      serve.port,
      Array.from({ length: 50 }, (_, i) => `/api/rr${i}`),
    );
    assert.equal(r.code, 0, r.stderr);
    const counts = [a, b, c].map((x, i) => x.seen.length - before[i]!);
    assert.deepEqual(counts, [30, 10, 10]);
    // The request line names the pool, the server and the attempts.
    const line = await serve.waitFor((e) => e['event'] === 'access' && e['uri'] === '/api/rr49');
    assert.equal(line['pool'], 'api');
    assert.equal(line['upstream_attempts'], 1);
    assert.match(String(line['upstream']), /^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('routes over h2 (node:http2)', () => {
  const h2get = (
    p: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string; location?: string }> =>
    new Promise((resolve, reject) => {
      const session = http2.connect(`https://example.test:${serve.port}`, {
        ca: pki.rootPem,
        lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }] as never),
      });
      session.on('error', reject);
      const req = session.request({ ':path': p, ...headers });
      let status = 0;
      let location: string | undefined;
      let body = '';
      req.on('response', (h) => {
        status = Number(h[':status']);
        location = h['location'] as string | undefined;
      });
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        session.close();
        resolve({ status, body, ...(location !== undefined ? { location } : {}) });
      });
      req.on('error', reject);
    });

  test('the same routes: pool with rewrite, header matcher, respond, redirect', async () => {
    const api = await h2get('/api/h2?q=1');
    assert.equal(api.status, 200);
    assert.match(api.body, /^[abc] GET \/h2\?q=1 host=api\.internal$/m);
    assert.equal(lastSeen(a)?.host ?? lastSeen(b)?.host, 'api.internal');
    const canary = await h2get('/canary/y', { 'x-canary': '1' });
    assert.equal(canary.body.split(' ')[0], 'c');
    const ping = await h2get('/ping');
    assert.deepEqual([ping.status, ping.body], [200, 'pong\n']);
    const old = await h2get('/old/p');
    assert.deepEqual([old.status, old.location], [301, 'https://example.test/new/old/p?']);
    const other = await h2get('/other');
    assert.equal(other.body.split(' ')[0], 'site');
  });
});
