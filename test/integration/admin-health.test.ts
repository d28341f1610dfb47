// The admin listener through `tlsterm serve --workers 2`: /healthz answers from the start, /readyz
// is 503 until every worker listens and 200 after, with each check and its reason; a Redis state
// backend that is down makes it "degraded" (still 200: serving with full handshakes). Off loopback
// the API needs the bearer token (401 without, 200 with); the health probes do not.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { adminFetch, adminPort } from './admin-harness.ts';
import { configHead, inspectSite, type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
const running: ServeProcess[] = [];

before(async () => {
  tmp = makeTempDir('admin-health');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(async () => {
  await Promise.all(running.map((s) => s.stop()));
  tmp?.cleanup();
});

const config = (dir: string, admin: string, extra = ''): string =>
  `admin: ${admin}\n${extra}${configHead(dir, pki.rootPath)}  - address: 127.0.0.1:0\n    sites:\n${inspectSite(pki)}`;

async function serveIn(
  name: string,
  admin: string,
  extra = '',
): Promise<{ serve: ServeProcess; port: number }> {
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  const serve = await startServe(
    dir,
    config(dir, admin, extra),
    ['--workers', '2'],
    'tlsterm.yaml',
    'admin_listening',
  );
  running.push(serve);
  return { serve, port: await adminPort(serve) };
}

const checkNamed = (body: Record<string, unknown> | undefined, name: string) =>
  ((body?.['checks'] ?? []) as { check: string; ok: boolean; degraded?: boolean; reason: string }[]).find(
    (c) => c.check === name,
  );

test('/healthz is 200 from the start; /readyz is 503 until both workers listen, then 200', async () => {
  const { serve, port } = await serveIn('ready', '{ address: "127.0.0.1:0" }');
  const early = await adminFetch(port, '/readyz');
  assert.equal(early.status, 503, early.text);
  assert.equal(early.json?.['status'], 'not_ready');
  assert.match(checkNamed(early.json, 'listeners')?.reason ?? '', /starting/);
  const health = await adminFetch(port, '/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.text, 'ok\n');

  await serve.waitFor((e) => e['event'] === 'started', 30_000);
  const ready = await adminFetch(port, '/readyz');
  assert.equal(ready.status, 200, ready.text);
  assert.equal(ready.json?.['status'], 'ready');
  const listeners = checkNamed(ready.json, 'listeners');
  assert.equal(listeners?.ok, true);
  assert.match(listeners?.reason ?? '', /2 of 2 workers listen on 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+/);
  assert.equal(checkNamed(ready.json, 'certificates')?.ok, true);
  assert.deepEqual(checkNamed(ready.json, 'state_backend'), {
    check: 'state_backend',
    ok: true,
    reason: 'memory: reachable',
  });
});

test('a Redis state backend that is down: /readyz 200 "degraded", the check says why', async () => {
  const down = await freePort();
  const { serve, port } = await serveIn(
    'redis-down',
    '{ address: "127.0.0.1:0" }',
    `state: { backend: redis, url: "redis://127.0.0.1:${down}" }\n`,
  );
  await serve.waitFor((e) => e['event'] === 'started', 30_000);
  await serve.waitFor((e) => e['event'] === 'state_backend_down', 30_000);
  const ready = await adminFetch(port, '/readyz');
  assert.equal(ready.status, 200, ready.text);
  assert.equal(ready.json?.['status'], 'degraded');
  const state = checkNamed(ready.json, 'state_backend');
  assert.equal(state?.ok, false);
  assert.equal(state?.degraded, true);
  assert.match(
    state?.reason ?? '',
    new RegExp(`redis unreachable since .*127\\.0\\.0\\.1:${down}.*full handshakes`),
  );
});

test('off loopback the API needs the bearer token; the health probes do not', async () => {
  const token = 'test-token-0123456789abcdef';
  const { serve, port } = await serveIn('token', `{ address: "0.0.0.0:0", token: "${token}" }`);
  await serve.waitFor((e) => e['event'] === 'started', 30_000);
  const none = await adminFetch(port, '/api/v1/status');
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.match(String(none.json?.['error']), /bearer token is required/);
  assert.equal((await adminFetch(port, '/api/v1/status', { token: `${token}x` })).status, 401);
  const ok = await adminFetch(port, '/api/v1/status', { token });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json?.['pid'], serve.pid);
  assert.equal((await adminFetch(port, '/healthz')).status, 200);
  assert.equal((await adminFetch(port, '/readyz')).status, 200);
  // The token is never in the log.
  assert.ok(!JSON.stringify(serve.events).includes(token));
});
