// `reuse_port: true`: each worker binds the address itself with SO_REUSEPORT, so the kernel spreads
// new connections across the workers' sockets (without it, a burst lands mostly on whichever worker
// wakes first: 64/36 measured for two). Real workers, real sockets: who holds the listening
// sockets (/proc), which worker served each new connection (the access log), a reload that binds
// the new workers beside the old, a reload that would switch it refused, and a second instance on
// the same address refused instead of silently joining.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readMigrateSysctl } from '../../src/config/reuse-port-check.ts';
import { listeningInodes, portHolders } from '../../src/serve/bind-error.ts';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { childrenOf } from '../helpers/processes.ts';
import { run } from '../helpers/run.ts';
import { type GreetingBackends, httpsGet, startGreetingBackends } from './reload-harness.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let backends: GreetingBackends;
let serve: ServeProcess;
let port: number;
/** A plain-HTTP listener (http:) with reuse_port too. */
let httpPort: number;
let configFile: string;
let adminPort: number | undefined;

const config = (
  greeting: string,
  reusePort = true,
  stateDir = `${tmp.dir}/state`,
  admin = adminPort,
) => `${admin === undefined ? '' : `admin: { address: "127.0.0.1:${admin}" }\n`}state_dir: ${stateDir}
extra_ca: [${pki.rootPath}]
drain_timeout: 5s
workers: 2
listeners:
  - address: 127.0.0.1:${port}
    reuse_port: ${reusePort}
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: http://127.0.0.1:${backends.port(greeting)}
  - address: 127.0.0.1:${httpPort}
    reuse_port: true
    http: { redirect_https: true, https_port: ${port} }
`;

before(async () => {
  tmp = makeTempDir('serve-reuse-port');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  backends = await startGreetingBackends(['one', 'two']);
  port = await freePort();
  httpPort = await freePort();
  adminPort = await freePort();
  serve = await startServe(tmp.dir, config('one'), [], 'reuse-port.yaml');
  await serve.waitFor((e) => e['event'] === 'admin_listening', 20_000);
  configFile = path.join(tmp.dir, 'reuse-port.yaml');
});

after(async () => {
  await serve?.stop();
  await backends?.close();
  tmp?.cleanup();
});

/** Listening sockets on the port, and the processes that hold them. */
const listening = (on = port) => ({
  sockets: listeningInodes(fs.readFileSync('/proc/net/tcp', 'utf8'), on).length,
  holders: portHolders(on)
    .map((h) => h.pid)
    .sort(),
});

/** `n` requests, each on a new connection, 8 at a time; the workers that served them, counted. */
async function servedBy(n: number): Promise<Map<number, number>> {
  const before = serve.events.length;
  const agent = new https.Agent({ keepAlive: false });
  for (let i = 0; i < n; i += 8)
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const { status } = await httpsGet(agent, port, pki.rootPem);
        assert.equal(status, 200);
      }),
    );
  await serve.waitFor((e) => serve.events.indexOf(e) >= before + n - 1 && e['event'] === 'access');
  const counts = new Map<number, number>();
  for (const e of serve.events.slice(before))
    if (e['event'] === 'access') counts.set(Number(e['worker']), (counts.get(Number(e['worker'])) ?? 0) + 1);
  return counts;
}

test('each worker listens on a socket of its own, and new connections reach both', async () => {
  const workers = childrenOf(serve.pid).sort();
  assert.equal(workers.length, 2);
  // One socket per worker, and none in the primary (without reuse_port: one socket, held by all three).
  assert.deepEqual(listening(), { sockets: 2, holders: workers });
  // The plain-HTTP listener the same way, and it answers (the redirect to HTTPS).
  assert.deepEqual(listening(httpPort), { sockets: 2, holders: workers });
  const redirect = await fetch(`http://127.0.0.1:${httpPort}/x`, { redirect: 'manual' });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get('location'), `https://127.0.0.1:${port}/x`);
  const counts = await servedBy(48);
  assert.deepEqual([...counts.keys()].sort(), workers, JSON.stringify([...counts]));
  // The kernel's warning about queued connections on a closing socket, as `check` would print it.
  const migrate = readMigrateSysctl();
  assert.equal(/tcp_migrate_req|Linux < 5\.14/.test(serve.stderr()), migrate !== '1', serve.stderr());
});

test('`tlsterm status` says the listener gives each worker a socket of its own', async () => {
  const r = await run(process.execPath, [BIN, 'status', '-c', configFile], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(
      `listener +127\\.0\\.0\\.1:${port} https://127\\.0\\.0\\.1:${port} \\(reuse_port: a socket per worker\\)`,
    ),
  );
});

test('a reload binds the new workers beside the old ones, and the new config serves', async () => {
  fs.writeFileSync(configFile, config('two'));
  const reload = await run(process.execPath, [BIN, 'reload', '-c', configFile], { timeoutMs: 90_000 });
  assert.equal(reload.code, 0, reload.stderr);
  const reloaded = await serve.waitFor((e) => e['event'] === 'reloaded', 20_000);
  await serve.waitFor(
    (e) => e['event'] === 'drained' && e['generation'] === reloaded['draining_generation'],
    20_000,
  );
  const workers = childrenOf(serve.pid).sort();
  assert.equal(workers.length, 2);
  assert.deepEqual(listening(), { sockets: 2, holders: workers });
  const agent = new https.Agent({ keepAlive: false });
  assert.deepEqual(await httpsGet(agent, port, pki.rootPem), { status: 200, body: 'hello from two/\n' });
});

test('a reload that switches reuse_port off is refused, and the running config keeps serving', async () => {
  fs.writeFileSync(configFile, config('one', false));
  serve.signal('SIGHUP');
  const failed = await serve.waitFor(
    (e) => e['event'] === 'reload_failed' && /reuse_port/.test(String(e['detail'])),
    20_000,
  );
  assert.equal(failed['reason'], 'config');
  assert.match(
    String(failed['detail']),
    new RegExp(`reuse_port on 127\\.0\\.0\\.1:${port} changes only at a restart`),
  );
  const agent = new https.Agent({ keepAlive: false });
  assert.deepEqual(await httpsGet(agent, port, pki.rootPem), { status: 200, body: 'hello from two/\n' });
  fs.writeFileSync(configFile, config('two'));
});

test('a second instance on the same address is refused, not let in beside the first', async () => {
  const second = path.join(tmp.dir, 'second.yaml');
  fs.writeFileSync(second, config('one', true, `${tmp.dir}/state-2`, await freePort()));
  const r = await run(process.execPath, [BIN, 'serve', '-c', second], { timeoutMs: 30_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
  assert.match(r.stderr, new RegExp(`held by pid (${childrenOf(serve.pid).join('|')})`));
  // The first instance still has both its sockets, and nobody else.
  assert.deepEqual(listening(), { sockets: 2, holders: childrenOf(serve.pid).sort() });
});
