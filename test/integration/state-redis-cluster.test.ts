// Redis Cluster (`state: { backend: redis, cluster: [...] }`): three masters made with
// `redis-cli --cluster create` on loopback, two tlsterm instances sharing ticket keys (the lease and
// the keys written in one script: one slot, by the prefix's hash tag) and the TLS 1.2 session cache,
// so a session made on one resumes on the other.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
const nodes: RedisServer[] = [];
const serves: ServeProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const config = (name: string) => `state_dir: ${tmp.dir}/state-${name}
extra_ca: [${pki.rootPath}]
state: { backend: redis, cluster: [${nodes.map((n) => `"127.0.0.1:${n.port}"`).join(', ')}] }
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
  tmp = makeTempDir('cluster');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  for (let i = 0; i < 3; i++)
    nodes.push(
      await startRedis({
        args: [
          ...['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'],
          ...['--cluster-config-file', path.join(tmp.dir, `nodes-${i}.conf`)],
          // A bus port of its own: the default (port + 10000) is an ephemeral port another socket
          // may hold (a fresh-clone run failed on "bind: Address already in use" for it).
          ...['--cluster-port', String(await freePort())],
        ],
      }),
    );
  const created = await run(
    'redis-cli',
    ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'],
    { timeoutMs: 30_000 },
  );
  assert.match(created.all, /All 16384 slots covered/, created.all);
  for (let i = 0; i < 100; i++) {
    const info = await run('redis-cli', ['-p', String(nodes[0]!.port), 'cluster', 'info']);
    if (info.stdout.includes('cluster_state:ok')) break;
    await sleep(200);
  }
});

after(async () => {
  for (const s of serves) await s.stop();
  for (const n of nodes) await n.stop();
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

test('two instances on one Redis Cluster resume each other’s sessions', async () => {
  const a = await startServe(tmp.dir, config('a'), ['--workers', '1'], 'a.yaml');
  serves.push(a);
  const b = await startServe(tmp.dir, config('b'), ['--workers', '1'], 'b.yaml');
  serves.push(b);
  assert.equal(
    [...a.events, ...b.events].filter((e) => e['event'] === 'state_backend_down').length,
    0,
    JSON.stringify(a.events),
  );
  // The prefix is a hash tag: the lease and the keys (written in one script) share a slot.
  const exists = async (key: string) =>
    (await run('redis-cli', ['-c', '-p', String(nodes[0]!.port), 'exists', key])).stdout.trim();
  assert.equal(await exists('{tlsterm:}tickets:ticket-keys'), '1');
  for (const [listener, version] of [
    ['tickets', '-tls1_3'],
    ['tickets', '-tls1_2'],
    ['cache-only', '-tls1_2'],
  ] as const) {
    let out = '';
    // B may take a moment to hear about A's keys (pub/sub) or session (written after the handshake).
    for (let i = 0; i < 10 && !/^Reused, TLSv1\.[23]/m.test(out); i++) {
      const file = path.join(tmp.dir, `sess-${listener}${version}-${i}`);
      const made = sClient(portOf(a, listener), [version, '-sess_out', file]);
      assert.match(made, /^New, TLSv1\.[23]/m, made);
      await sleep(200);
      out = sClient(portOf(b, listener), [version, '-sess_in', file]);
    }
    assert.match(out, /^Reused, TLSv1\.[23]/m, `${listener} ${version}: ${out.slice(0, 400)}`);
  }
});
