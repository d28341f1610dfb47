// Issue 16 part 3 against a real `tlsterm serve` with two workers: rules (deny by client CIDR, allow
// before deny, client-certificate subject, tags in the log), header edits seen by the app and by the
// client, HSTS on every response of a site (proxied, denied, 502, 421, h1 and h2), and a site's
// own limits. Clients are curl (h1 and --http2) from 127.0.0.1 and 127.0.0.2.
import assert from 'node:assert/strict';
import type http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type Backend, curl, startBackend } from './http-harness.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let clients: Pki;
let serve: ServeProcess;
let app: Backend;
/** Request headers the app saw, by path. */
const seen = new Map<string, http.IncomingHttpHeaders>();

before(async () => {
  tmp = makeTempDir('l7-rules');
  pki = await makePki(path.join(tmp.dir, 'front'));
  clients = await makePki(path.join(tmp.dir, 'clients'), 'clients');
  const shared = await pki.issue(['a.test', 'b.test', 'down.test', 'mtls.test'], { name: 'shared' });
  const other = await pki.issue(['other.test'], { name: 'other' });
  app = await startBackend((req, res) => {
    seen.set(req.url ?? '', req.headers);
    res.setHeader('server', 'app/1.0');
    res.setHeader('x-powered-by', 'node');
    res.setHeader('content-type', 'text/plain');
    res.end(`ok ${req.url}\n`);
  });
  const dead = await freePort();
  const cert = `certificates: [{ cert: ${shared.fullchainPath}, key: ${shared.keyPath} }]`;
  serve = await startServe(
    tmp.dir,
    `extra_ca: [${pki.rootPath}, ${clients.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [a.test]
        default: true
        ${cert}
        upstream: ${app.url}
        rules:
          - { match: { client: [127.0.0.2/32] }, action: deny, status: 403, body: "no\\n" }
          - { match: { path_prefix: /admin, header: { x-ops: "~(?i)^yes$" } }, action: allow }
          - { match: { path_prefix: /admin }, action: deny }
          - { match: { header: { user-agent: "~(?i)sqlmap" } }, action: deny, status: 418 }
          - { match: { path: /tagged }, action: tag, tag: beta }
          - { match: { query: { v: "2" } }, action: tag, tag: v2 }
        headers:
          request: { set: { x-env: prod }, add: { x-extra: one }, remove: [x-debug] }
          response: { set: { x-frame-options: DENY }, remove: [server, x-powered-by] }
        hsts: { max_age: 1y, include_subdomains: true }
        limits: { max_body: 1k }
      - hosts: [b.test]
        ${cert}
        upstream: ${app.url}
      - hosts: [down.test]
        ${cert}
        upstream: http://127.0.0.1:${dead}
        hsts: { max_age: 180d }
      - hosts: [mtls.test]
        ${cert}
        client_auth: { mode: optional, ca: ${clients.rootPath} }
        upstream: ${app.url}
        rules:
          - { match: { path_prefix: /admin, client_cert_subject: "CN=ops*" }, action: allow }
          - { match: { path_prefix: /admin }, action: deny }
      - hosts: [other.test]
        certificates: [{ cert: ${other.fullchainPath}, key: ${other.keyPath} }]
        upstream: ${app.url}
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
  readonly headers: Map<string, string[]>;
  readonly body: string;
}

/** curl over TLS to `host` (resolved to 127.0.0.1); `args` go first (e.g. --http2, --interface). */
const get = async (host: string, pathAndQuery: string, args: string[] = []): Promise<Got> => {
  const r = await curl([
    ...args,
    '--cacert',
    pki.rootPath,
    '--resolve',
    `${host}:${serve.port}:127.0.0.1`,
    '-D',
    '-',
    `https://${host}:${serve.port}${pathAndQuery}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  // -D - puts the head(s) first; the body follows the last blank line of the last head.
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split).split('\r\n');
  const status = Number(head[0]?.split(' ')[1]);
  const headers = new Map<string, string[]>();
  for (const line of head.slice(1)) {
    const c = line.indexOf(':');
    const n = line.slice(0, c).toLowerCase();
    headers.set(n, [...(headers.get(n) ?? []), line.slice(c + 1).trim()]);
  }
  return { status, headers, body: r.stdout.slice(split + 4) };
};

const HSTS = 'max-age=31536000; includeSubDomains';

describe('rules', () => {
  test('a client in a denied CIDR (127.0.0.2) gets the deny; 127.0.0.1 is served', async () => {
    const denied = await get('a.test', '/x', ['--interface', '127.0.0.2']);
    assert.equal(denied.status, 403);
    assert.equal(denied.body, 'no\n');
    const served = await get('a.test', '/x');
    assert.equal(served.status, 200);
    assert.equal(served.body, 'ok /x\n');
    const line = await serve.waitFor(
      (e) => e['event'] === 'access' && String(e['client']).startsWith('127.0.0.2:'),
    );
    assert.equal(line['status'], 403);
    assert.equal(line['rule'], 'rules[0]');
  });

  test('allow before deny: /admin with x-ops: yes passes, without it is denied (h1 and h2)', async () => {
    for (const proto of [['--http1.1'], ['--http2']]) {
      const ok = await get('a.test', '/admin/1', [...proto, '-H', 'x-ops: YES']);
      assert.equal(ok.status, 200, `${proto[0]}`);
      const no = await get('a.test', '/admin/1', proto);
      assert.equal(no.status, 403, `${proto[0]}`);
      assert.match(no.body, /403 Forbidden/);
    }
  });

  test('a header regex with (?i) denies with the rule status', async () => {
    const r = await get('a.test', '/', ['-A', 'SQLMap/1.7']);
    assert.equal(r.status, 418);
  });

  test('tag rules add tags to the request log line and evaluation goes on', async () => {
    const r = await get('a.test', '/tagged?v=2');
    assert.equal(r.status, 200);
    const line = await serve.waitFor((e) => e['event'] === 'access' && e['uri'] === '/tagged?v=2');
    assert.deepEqual(line['tags'], ['beta', 'v2']);
  });

  test('client_cert_subject: only a verified certificate whose subject matches is allowed', async () => {
    const ops = await clients.issue(['ops.client.test'], { name: 'ops' });
    const dev = await clients.issue(['dev.client.test'], { name: 'dev' });
    const withCert = (c: typeof ops) => ['--cert', c.fullchainPath, '--key', c.keyPath];
    assert.equal((await get('mtls.test', '/admin', withCert(ops))).status, 200);
    assert.equal((await get('mtls.test', '/admin', withCert(dev))).status, 403);
    assert.equal((await get('mtls.test', '/admin')).status, 403);
    assert.equal((await get('mtls.test', '/public')).status, 200);
  });
});

describe('header edits', () => {
  test('the app sees set/add and not the removed header; the client sees the response edits (h1, h2)', async () => {
    for (const proto of ['--http1.1', '--http2']) {
      const p = `/edits-${proto.slice(2)}`;
      const r = await get('a.test', p, [proto, '-H', 'x-debug: 1', '-H', 'x-env: dev']);
      assert.equal(r.status, 200);
      const h = seen.get(p);
      assert.equal(h?.['x-env'], 'prod', proto);
      assert.equal(h?.['x-extra'], 'one', proto);
      assert.equal(h?.['x-debug'], undefined, proto);
      assert.equal(r.headers.get('server'), undefined, proto);
      assert.equal(r.headers.get('x-powered-by'), undefined, proto);
      assert.deepEqual(r.headers.get('x-frame-options'), ['DENY'], proto);
    }
  });

  test('a site without edits passes the app headers through untouched', async () => {
    const r = await get('b.test', '/plain', ['-H', 'x-debug: 1']);
    assert.deepEqual(r.headers.get('server'), ['app/1.0']);
    assert.equal(seen.get('/plain')?.['x-debug'], '1');
    assert.equal(r.headers.get('strict-transport-security'), undefined);
  });
});

describe('hsts', () => {
  test('on proxied and denied responses, over h1 and h2', async () => {
    for (const proto of ['--http1.1', '--http2']) {
      const ok = await get('a.test', '/', [proto]);
      assert.deepEqual(ok.headers.get('strict-transport-security'), [HSTS], proto);
      const denied = await get('a.test', '/admin', [proto]);
      assert.equal(denied.status, 403);
      assert.deepEqual(denied.headers.get('strict-transport-security'), [HSTS], proto);
      assert.deepEqual(denied.headers.get('x-frame-options'), ['DENY'], proto);
    }
  });

  test("on tlsterm's own 502 when the upstream is down (h1, h2)", async () => {
    for (const proto of ['--http1.1', '--http2']) {
      const r = await get('down.test', '/', [proto]);
      assert.equal(r.status, 502);
      assert.deepEqual(r.headers.get('strict-transport-security'), ['max-age=15552000'], proto);
    }
  });

  test("on a 421 (the connection's own site's policy)", async () => {
    const r = await get('a.test', '/', ['--http1.1', '-H', 'Host: other.test']);
    assert.equal(r.status, 421);
    assert.deepEqual(r.headers.get('strict-transport-security'), [HSTS]);
  });
});

describe('site limits', () => {
  test("a body over the site's max_body is refused with 413; the other site takes it", async () => {
    const body = ['--data-binary', 'x'.repeat(2048), '-H', 'content-type: text/plain'];
    assert.equal((await get('a.test', '/upload', ['--http1.1', ...body])).status, 413);
    assert.equal((await get('a.test', '/upload', ['--http2', ...body])).status, 413);
    assert.equal((await get('b.test', '/upload', body)).status, 200);
  });
});
