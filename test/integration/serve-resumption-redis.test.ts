// Seed 000 §5's distributed cure, through `tlsterm serve`: two instances (two "load balancers")
// share ticket keys and the session cache in a real redis-server, so a session made on A resumes
// on B — TLS 1.3 and 1.2 by ticket, TLS 1.2 by session id with tickets off. Redis killed: both keep
// serving (full handshakes), say so once, and share again once Redis is back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let redis: RedisServer;
let a: ServeProcess;
let b: ServeProcess;

const config = (name: string) => `state_dir: ${tmp.dir}/state-${name}
extra_ca: [${pki.rootPath}]
state: { backend: redis, url: "${redis.url()}" }
listeners:
  - name: tickets
    address: 127.0.0.1:0
    session: { tickets: true, cache: true }
    sites: &sites
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
  - name: cache-only
    address: 127.0.0.1:0
    session: { tickets: false, cache: true }
    sites: *sites
`;

before(async () => {
  tmp = makeTempDir('serve-redis');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  redis = await startRedis();
  a = await startServe(tmp.dir, config('a'), ['--workers', '1'], 'a.yaml');
  b = await startServe(tmp.dir, config('b'), ['--workers', '1'], 'b.yaml');
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  tmp?.cleanup();
});

const portOf = (serve: ServeProcess, listener: string): number => {
  const started = serve.events.find((e) => e['event'] === 'started');
  const entry = ((started?.['listeners'] ?? []) as { listener: string; port: number }[]).find(
    (l) => l.listener === listener,
  );
  assert.ok(entry, `listener ${listener} is up`);
  return entry.port;
};

function sClient(port: number, args: readonly string[]): string {
  const r = spawnSync(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'example.test', '-ign_eof', ...args],
    {
      input: 'GET / HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n',
      timeout: 8000,
      encoding: 'utf8',
    },
  );
  return `${r.stdout}${r.stderr}`;
}

/** Made on A, offered to B: B's verdict. */
function acrossHosts(listener: string, version: string): string {
  const file = path.join(tmp.dir, `sess-${listener}${version}-${Math.random().toString(36).slice(2)}`);
  const made = sClient(portOf(a, listener), [version, '-sess_out', file]);
  assert.match(made, /^New, TLSv1\.[23]/m, made);
  return sClient(portOf(b, listener), [version, '-sess_in', file]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('TLS 1.3 ticket made on host A resumes on host B', () => {
  assert.match(acrossHosts('tickets', '-tls1_3'), /^Reused, TLSv1\.3/m);
});

test('TLS 1.2 ticket made on host A resumes on host B', () => {
  assert.match(acrossHosts('tickets', '-tls1_2'), /^Reused, TLSv1\.2/m);
});

test('TLS 1.2 with tickets off resumes on host B through the session cache in Redis', async () => {
  // The session is written to Redis in the background, after the handshake: give it a moment.
  let out = '';
  for (let i = 0; i < 10 && !/^Reused/m.test(out); i++) {
    out = acrossHosts('cache-only', '-tls1_2');
    if (!/^Reused/m.test(out)) await sleep(200);
  }
  assert.match(out, /^Reused, TLSv1\.2/m);
  const event = await b.waitFor((e) => e['event'] === 'handshake' && e['resumed_by'] === 'session_id');
  assert.equal(event['listener'], 'cache-only');
});

test('Redis killed: both hosts keep serving with full handshakes, say so once, and share again when it is back', async () => {
  await redis.stop();
  // Serving goes on; resumption across hosts may not.
  for (let i = 0; i < 3; i++) {
    const out = sClient(portOf(a, 'tickets'), ['-tls1_3']);
    assert.match(out, /^(New|Reused), TLSv1\.3/m, 'the connection succeeds with Redis down');
  }
  await a.waitFor((e) => e['event'] === 'state_backend_down', 15_000);
  const downs = a.events.filter((e) => e['event'] === 'state_backend_down').length;
  assert.ok(downs <= 2, `said once per connection to Redis, not per handshake (${downs})`);

  await redis.start();
  await a.waitFor((e) => e['event'] === 'state_backend_up', 20_000);
  await b.waitFor((e) => e['event'] === 'state_backend_up', 20_000);
  // Keys are shared again (the lease holder republishes; the other follows): A's tickets work on B.
  let out = '';
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    out = acrossHosts('tickets', '-tls1_3');
    if (/^Reused/m.test(out)) break;
    await sleep(500);
  }
  assert.match(out, /^Reused, TLSv1\.3/m, 'sessions made on A resume on B again');
  assert.equal(
    [...a.events, ...b.events].filter((e) => e['event'] === 'handshake_failed').length,
    0,
    'no connection failed at any point',
  );
});
