// The JSON runtime API through `tlsterm serve --workers 2`, as an operator reads it: the instance
// status, the certificates IN SERVICE (after a bad pair was copied over a watched one: the serial
// still served and why the new one was refused, where the files already hold the refused one),
// open connections, ticket keys (never the key), recent handshake events with filters, and
// POST /reload's outcome for a good and a broken config.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { childrenOf } from '../helpers/processes.ts';
import { run, sClientAsync } from '../helpers/run.ts';
import { adminFetch, adminPort, holdTlsConnections } from './admin-harness.ts';
import { type ServeProcess, startServe, trustHead } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let port: number;
let tlsPort: number;
let configFile: string;
let certPath: string;
let keyPath: string;
let config: string;

before(async () => {
  tmp = makeTempDir('admin-api');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const live = path.join(tmp.dir, 'live');
  fs.mkdirSync(live);
  certPath = path.join(live, 'fullchain.pem');
  keyPath = path.join(live, 'privkey.pem');
  fs.writeFileSync(certPath, pki.chains.ec.fullchainPem);
  fs.writeFileSync(keyPath, pki.chains.ec.keyPem);
  // A fixed port: the CLI finds the admin listener through the config.
  config = `admin: { address: "127.0.0.1:${await freePort()}" }
state_dir: ${tmp.dir}/state
${trustHead(pki.rootPath)}  - address: 127.0.0.1:0
    session: { tickets: true }
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${certPath}, key: ${keyPath} }]
        handler: inspect
`;
  // Two workers can take long to start on a loaded machine: wait for them here, not in startServe.
  serve = await startServe(tmp.dir, config, ['--workers', '2'], 'admin.yaml', 'admin_listening');
  configFile = path.join(tmp.dir, 'admin.yaml');
  port = await adminPort(serve);
  const started = await serve.waitFor((e) => e['event'] === 'started', 90_000);
  tlsPort = (started['listeners'] as { port: number }[])[0]?.port ?? 0;
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');
const tlsterm = (args: readonly string[]) => run(process.execPath, [BIN, ...args], { timeoutMs: 60_000 });

const serialOf = (pem: string): string => new crypto.X509Certificate(pem).serialNumber;

test('GET /api/v1/status: version, pid, uptime, generation, both workers, config file and digest', async () => {
  const r = await adminFetch(port, '/api/v1/status');
  assert.equal(r.status, 200, r.text);
  const s = r.json!;
  assert.match(String(s['version']), /^\d+\.\d+\.\d+/);
  assert.equal(s['pid'], serve.pid);
  assert.equal(typeof s['uptime_seconds'], 'number');
  assert.equal(s['generation'], 1);
  const workers = s['workers'] as { pid: number; generation: number; ready: boolean }[];
  assert.equal(workers.length, 2);
  assert.ok(workers.every((w) => w.ready && w.generation === 1 && w.pid > 0));
  const digest = crypto.createHash('sha256').update(fs.readFileSync(configFile)).digest('hex');
  assert.deepEqual(s['config'], { file: configFile, sha256: digest });
  assert.deepEqual(s['keylog'], { on: false });
  const index = await adminFetch(port, '/api/v1/');
  assert.ok(((index.json?.['endpoints'] ?? []) as string[]).includes('GET /api/v1/certificates'));
});

test('connections: counts per listener and protocol, a bounded list with client, SNI, version, age', async () => {
  const held = await holdTlsConnections(tlsPort, pki.rootPem, 3);
  try {
    const r = await adminFetch(port, '/api/v1/connections?limit=2');
    assert.equal(r.status, 200, r.text);
    const body = r.json!;
    const listener = Object.keys(body['counts'] as object)[0]!;
    assert.equal((body['counts'] as Record<string, Record<string, number>>)[listener]?.['http/1.1'], 3);
    assert.equal(body['total'], 3);
    // Open connections per worker: how the kernel spread them (every worker answers, 0 or not).
    const perWorker = body['per_worker'] as Record<string, number>;
    assert.deepEqual(Object.keys(perWorker).map(Number).sort(), childrenOf(serve.pid).sort());
    assert.equal(
      Object.values(perWorker).reduce((a, b) => a + b, 0),
      3,
    );
    const list = body['connections'] as Record<string, unknown>[];
    assert.equal(list.length, 2);
    const mine = new Set(held.map((s) => `127.0.0.1:${s.localPort}`));
    for (const c of list) {
      assert.ok(mine.has(String(c['client'])), String(c['client']));
      assert.equal(c['sni'], 'example.test');
      assert.equal(c['version'], 'TLS1.3');
      assert.equal(c['alpn'], 'http/1.1');
      assert.equal(typeof c['age_seconds'], 'number');
    }
    assert.equal((await adminFetch(port, '/api/v1/connections?limit=x')).status, 400);
  } finally {
    for (const s of held) s.destroy();
  }
});

test('ticket-keys: name prefix, age and role per listener, never the key bytes', async () => {
  const r = await adminFetch(port, '/api/v1/ticket-keys');
  assert.equal(r.status, 200, r.text);
  const keys = r.json!['ticket_keys'] as Record<string, unknown>[];
  const current = keys.filter((k) => k['role'] === 'current');
  assert.equal(current.length, 1, r.text);
  assert.match(String(current[0]!['name_prefix']), /^[0-9a-f]{8}$/);
  assert.equal((current[0]!['workers'] as number[]).length, 2);
  assert.ok(keys.every((k) => ['current', 'decrypt-only', 'next'].includes(String(k['role']))));
  // No hex run longer than a prefix: no key name in full, no key material.
  assert.doesNotMatch(r.text, /[0-9a-f]{16,}/);
});

test('events: the last handshakes and failures, filtered by site, reason and client CIDR', async () => {
  await sClientAsync(tlsPort, ['-servername', 'example.test', '-tls1_2', '-cipher', 'AES128-SHA']);
  await sClientAsync(tlsPort, ['-servername', 'example.test']);
  const failed = await adminFetch(port, '/api/v1/events?reason=no_common_cipher');
  assert.equal(failed.status, 200, failed.text);
  const events = failed.json!['events'] as Record<string, unknown>[];
  assert.ok(events.length >= 1, failed.text);
  assert.ok(events.every((e) => e['event'] === 'handshake_failed' && e['reason'] === 'no_common_cipher'));
  const site = await adminFetch(port, '/api/v1/events?site=listeners[0].sites[0]&limit=1');
  assert.equal((site.json!['events'] as unknown[]).length, 1);
  const near = await adminFetch(port, '/api/v1/events?client=127.0.0.0/8');
  assert.ok((near.json!['events'] as unknown[]).length >= 2);
  const far = await adminFetch(port, '/api/v1/events?client=10.0.0.0/8');
  assert.deepEqual(far.json!['events'], []);
  assert.equal((await adminFetch(port, '/api/v1/events?client=nonsense')).status, 400);
});

test('a bad pair copied over a watched one: the API shows the serial in service and why the new one was refused', async () => {
  const inService = serialOf(pki.chains.ec.certPem);
  const other = await pki.issue(['example.test'], { name: 'copied' });
  // The operator copies a new certificate over the watched one but forgets its key.
  fs.writeFileSync(certPath, other.fullchainPem);
  try {
    await refusedPairInService(inService, serialOf(other.certPem));
    // `cert status` asks the running instance (and says so): the serial in service, the refusal.
    const cli = await tlsterm(['cert', 'status', '-c', configFile]);
    assert.match(cli.stderr, new RegExp(`from the running instance at http://127\\.0\\.0\\.1:${port}`));
    assert.match(cli.stdout, new RegExp(`serial +${inService}`));
    assert.doesNotMatch(cli.stdout, new RegExp(serialOf(other.certPem)));
    assert.match(cli.stdout, /were refused \(private key does not match/);
  } finally {
    fs.writeFileSync(certPath, pki.chains.ec.fullchainPem);
  }
});

async function refusedPairInService(inService: string, refused: string): Promise<void> {
  await serve.waitFor((e) => e['event'] === 'certificate_reload_refused', 15_000);
  // Both workers noticed (each watches its files).
  const deadline = Date.now() + 15_000;
  let pairs: Record<string, unknown>[] = [];
  while (Date.now() < deadline) {
    const r = await adminFetch(port, '/api/v1/certificates');
    pairs = r.json!['certificates'] as Record<string, unknown>[];
    if (pairs.length === 1 && (pairs[0]!['workers'] as number[]).length === 2) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(pairs.length, 1, JSON.stringify(pairs));
  const pair = pairs[0]!;
  assert.equal(pair['serial'], inService);
  assert.notEqual(pair['serial'], refused);
  assert.equal(pair['site'], 'listeners[0].sites[0]');
  assert.equal(pair['cert_file'], certPath);
  assert.equal(pair['key_type'], 'ec');
  assert.match(String(pair['issuer']), /CN=/);
  assert.ok((pair['sans'] as string[]).includes('example.test'));
  assert.equal(typeof pair['not_after'], 'string');
  const last = pair['last_reload'] as Record<string, unknown>;
  assert.equal(last['result'], 'refused');
  assert.match(String(last['reason']), /match/i);
}

test('POST /api/v1/reload: the outcome of a good config (new generation) and of a broken one (reason)', async () => {
  const good = await adminFetch(port, '/api/v1/reload', { method: 'POST' });
  assert.equal(good.status, 200, good.text);
  assert.deepEqual(good.json, { ok: true, generation: 2 });
  fs.writeFileSync(configFile, config.replace('handler: inspect', 'handler: nonsense'));
  try {
    const bad = await adminFetch(port, '/api/v1/reload', { method: 'POST' });
    assert.equal(bad.status, 409, bad.text);
    assert.equal(bad.json?.['ok'], false);
    assert.equal(bad.json?.['generation'], 2);
    assert.equal(bad.json?.['reason'], 'config');
    assert.match(String(bad.json?.['detail']), /handler/);
    const status = await adminFetch(port, '/api/v1/status');
    assert.equal(status.json?.['generation'], 2);
  } finally {
    fs.writeFileSync(configFile, config);
  }
});

test('tlsterm status reads the running instance (and says so); with none answering it says that', async () => {
  const r = await tlsterm(['status', '-c', configFile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`from the running instance at http://127\\.0\\.0\\.1:${port}`));
  assert.match(r.stdout, new RegExp(`pid +${serve.pid}`));
  assert.match(r.stdout, /workers +\d+ \(gen \d+\), \d+ \(gen \d+\)/);
  const json = await tlsterm(['status', '--admin', `http://127.0.0.1:${port}`, '--json']);
  assert.equal(JSON.parse(json.stdout).pid, serve.pid);
  const dead = await freePort();
  const none = await tlsterm(['status', '--admin', `http://127.0.0.1:${dead}`]);
  assert.equal(none.code, 1);
  assert.match(
    none.stderr,
    new RegExp(`no running instance answered at http://127\\.0\\.0\\.1:${dead}: ECONNREFUSED`),
  );
  // cert status with a config whose instance is not running: the files, saying so.
  const other = path.join(tmp.dir, 'other.yaml');
  fs.writeFileSync(other, config.replace(/admin: \{[^}]*\}/, `admin: { address: "127.0.0.1:${dead}" }`));
  const files = await tlsterm(['cert', 'status', '-c', other]);
  assert.match(files.stderr, /from the files \(no running instance answered at/);
  assert.match(files.stdout, new RegExp(`serial +${serialOf(pki.chains.ec.certPem)}`));
});
