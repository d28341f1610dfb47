// single_process: one process serves, the primary itself. No worker process exists, and the process
// replaced itself once to serve with V8's starting limit (same pid). A reload starts the new
// generation beside the old one in the same process, on the same listening sockets (HTTPS and plain
// HTTP): under steady keep-alive load not one request fails, and a TLS 1.3 ticket and a TLS 1.2
// session id issued before it resume after it. A reload that cannot listen leaves the old generation
// on its sockets; one that drops a listener closes that socket. /metrics counts each handshake once
// (the process is one share, not a primary's plus a worker's); each reload's config is checked in a
// child that exits, and one with errors is refused; switching single_process needs a restart;
// TLSTERM_MALLOC=jemalloc applies; SIGTERM lets a request in flight finish.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { childrenOf } from '../helpers/processes.ts';
import { parseExposition, sumOf } from '../helpers/prom-text.ts';
import { run, sClientAsync } from '../helpers/run.ts';
import { adminFetch, adminPort } from './admin-harness.ts';
import { type GreetingBackends, httpsGet, startGreetingBackends, startSteadyLoad } from './reload-harness.ts';
import { type ServeProcess, sClient, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let backends: GreetingBackends;
let serve: ServeProcess;
let admin: number;
let configFile: string;

const config = (
  greeting: string,
  single = true,
  more = { http: true, extra: '' },
) => `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
${single ? 'single_process: true\n' : ''}drain_timeout: 3s
admin: { address: "127.0.0.1:0" }
listeners:
  - address: 127.0.0.1:0
    session: { cache: true, tickets: true }
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: http://127.0.0.1:${backends.port(greeting)}
${more.http ? `  - address: 127.0.0.1:0\n    http: { https_port: ${greeting === 'one' ? 8443 : 9443} }\n` : ''}${more.extra}`;

before(async () => {
  tmp = makeTempDir('serve-single-process');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  backends = await startGreetingBackends(['one', 'two']);
  serve = await startServe(tmp.dir, config('one'), [], 'single.yaml');
  configFile = path.join(tmp.dir, 'single.yaml');
  admin = await adminPort(serve);
});

after(async () => {
  await serve?.stop();
  await backends?.close();
  tmp?.cleanup();
});

const get = (agent: https.Agent, port: number, pathname = '/') =>
  httpsGet(agent, port, pki.rootPem, pathname);

/** SIGHUP the instance, and the `reloaded` or `reload_failed` line that answers it. */
async function reloadBySignal(outcome: 'reloaded' | 'reload_failed'): Promise<Record<string, unknown>> {
  const lines = () => serve.events.filter((e) => e['event'] === outcome);
  const before = lines().length;
  serve.signal('SIGHUP');
  await serve.waitFor(() => lines().length > before, 20_000);
  return lines().at(-1) ?? {};
}

const sni = () => ['-servername', 'example.test', '-CAfile', pki.rootPath];

/** The plain-HTTP listener's port, from the last `started` or `reloaded` line. */
const httpPort = (): number => {
  const line = serve.events.findLast((e) => e['event'] === 'started' || e['event'] === 'reloaded');
  const listeners = (line?.['listeners'] ?? []) as { scheme: string; port: number }[];
  return listeners.find((l) => l.scheme === 'http')?.port ?? 0;
};

/** Where the plain-HTTP listener redirects `/x` (fetch would not send our Host). */
const redirect = (): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: httpPort(), path: '/x', headers: { host: 'example.test' } }, (res) => {
        res.resume();
        resolve(res.headers.location);
      })
      .on('error', reject);
  });

/** s_client making one request and reading the answer: TLS 1.3 tickets come after the handshake. */
const sClientRequest = async (port: number, args: readonly string[]): Promise<string> =>
  (
    await sClientAsync(
      port,
      ['-ign_eof', ...args],
      'GET / HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n',
    )
  ).all;

test('one process serves: no worker process, and the admin API lists the process itself', async () => {
  const started = serve.events.find((e) => e['event'] === 'started');
  assert.equal(started?.['single_process'], true);
  const agent = new https.Agent({ keepAlive: false });
  assert.deepEqual(await get(agent, serve.port), { status: 200, body: 'hello from one/\n' });
  assert.equal(await redirect(), 'https://example.test:8443/x');
  assert.deepEqual(childrenOf(serve.pid), [], 'no worker process');
  // The process replaced itself once (same pid) to serve with V8's starting limit for the old
  // generation, the young generation's size and without V8's memory reducer, as a worker does.
  const cmdline = fs.readFileSync(`/proc/${serve.pid}/cmdline`, 'utf8').split('\0');
  assert.ok(cmdline.includes('--initial-old-space-size=64'), cmdline.join(' '));
  assert.ok(cmdline.includes('--no-memory-reducer'), cmdline.join(' '));
  assert.ok(cmdline.includes('--max-semi-space-size=8'), cmdline.join(' '));
  assert.equal(serve.events.filter((e) => e['event'] === 'started').length, 1);
  const summary = await adminFetch(admin, '/api/v1/summary');
  const workers = (summary.json?.['workers'] as { list?: { pid: number; ready: boolean }[] } | undefined)
    ?.list;
  assert.deepEqual(
    workers?.map((w) => [w.pid, w.ready]),
    [[serve.pid, true]],
  );
});

test('a reload under steady load fails no request, keeps the port, and sessions resume across it', async () => {
  const ticket = path.join(tmp.dir, 'tls13.pem');
  const sessionId = path.join(tmp.dir, 'tls12.pem');
  assert.match(
    await sClientRequest(serve.port, [...sni(), '-tls1_3', '-sess_out', ticket]),
    /^New, TLSv1\.3/m,
  );
  assert.match(
    await sClientRequest(serve.port, [...sni(), '-tls1_2', '-no_ticket', '-sess_out', sessionId]),
    /^New, TLSv1\.2/m,
  );

  // One loop's requests take 1.5 s: one is in flight on the old generation when the reload comes.
  const load = startSteadyLoad(serve.port, pki.rootPem, ['/', '/', '/', '/slow']);
  await new Promise((r) => setTimeout(r, 800));
  fs.writeFileSync(configFile, config('two'));
  const reload = await run(process.execPath, [BIN, 'reload', '-c', configFile], { timeoutMs: 90_000 });
  assert.equal(reload.code, 0, reload.stderr);
  assert.match(reload.stdout, new RegExp(`reloaded: generation 2 serves \\(pid ${serve.pid}\\)`));
  const reloaded = await serve.waitFor((e) => e['event'] === 'reloaded', 20_000);
  const httpBefore = serve.events.find((e) => e['event'] === 'started')?.['listeners'];
  assert.deepEqual(
    (reloaded['listeners'] as { port: number }[]).map((l) => l.port),
    (httpBefore as { port: number }[]).map((l) => l.port),
    'the same ports: the new generation took the sockets over',
  );
  assert.equal(await redirect(), 'https://example.test:9443/x', 'the plain-HTTP listener is the new one’s');
  await serve.waitFor((e) => e['event'] === 'drained' && e['generation'] === 1, 20_000);
  await load.more(200);
  const { failures, bodies, sent } = await load.stop();

  assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed`);
  assert.ok((bodies.get('hello from one/\n') ?? 0) > 0, 'the old config served before the reload');
  assert.ok((bodies.get('hello from two/\n') ?? 0) > 0, 'the new config serves after it');
  assert.ok(
    (bodies.get('hello from one/slow\n') ?? 0) > 0,
    'the request in flight on the old one was answered',
  );
  assert.deepEqual(childrenOf(serve.pid), [], 'still no worker process');

  assert.match(
    await sClientRequest(serve.port, [...sni(), '-tls1_3', '-sess_in', ticket]),
    /^Reused, TLSv1\.3/m,
  );
  assert.match(
    await sClientRequest(serve.port, [...sni(), '-tls1_2', '-no_ticket', '-sess_in', sessionId]),
    /^Reused, TLSv1\.2/m,
  );
});

test('/metrics counts each handshake once', async () => {
  const handshakes = () => serve.events.filter((e) => e['event'] === 'handshake').length;
  const before = handshakes();
  for (let i = 0; i < 3; i++)
    assert.match(sClient(serve.port, [...sni(), '-tls1_3']), /Verify return code: 0/);
  await serve.waitFor(() => handshakes() >= before + 3, 10_000);
  const res = await adminFetch(admin, '/metrics');
  assert.equal(res.status, 200, res.text);
  assert.equal(sumOf(parseExposition(res.text), 'tlsterm_handshakes_total', { result: 'ok' }), handshakes());
});

test('a reload is checked in a child that exits; a config with errors is refused and the old one serves', async () => {
  fs.writeFileSync(configFile, config('two').replace(/upstream: http:/, 'upstream: ftp:'));
  const failed = await reloadBySignal('reload_failed');
  assert.equal(failed['reason'], 'config');
  assert.match(String(failed['detail']), /upstream/);
  assert.match(serve.stderr(), /reload refused, the old config keeps serving/);
  const agent = new https.Agent({ keepAlive: false });
  assert.deepEqual(await get(agent, serve.port), { status: 200, body: 'hello from two/\n' });
  assert.deepEqual(childrenOf(serve.pid), [], 'no checker left behind');
});

test('switching single_process off is refused until a restart; the running config keeps serving', async () => {
  fs.writeFileSync(configFile, config('two', false));
  const failed = await reloadBySignal('reload_failed');
  assert.equal(failed['reason'], 'config');
  assert.match(String(failed['detail']), /single_process changes only at a restart/);
  const agent = new https.Agent({ keepAlive: false });
  assert.deepEqual(await get(agent, serve.port), { status: 200, body: 'hello from two/\n' });
  assert.deepEqual(childrenOf(serve.pid), []);
});

test('a reload that cannot listen keeps the old generation on its sockets; one that drops a listener closes its socket', async () => {
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const taken = (holder.address() as net.AddressInfo).port;
  const agent = new https.Agent({ keepAlive: false });
  try {
    fs.writeFileSync(
      configFile,
      config('two', true, {
        http: true,
        extra: `  - address: 127.0.0.1:${taken}\n    sites:\n      - hosts: [example.test]\n        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]\n        handler: inspect\n`,
      }),
    );
    const failed = await reloadBySignal('reload_failed');
    assert.equal(failed['reason'], 'workers');
    assert.match(String(failed['detail']), new RegExp(`127\\.0\\.0\\.1:${taken}[\\s\\S]*EADDRINUSE`));
    assert.deepEqual(await get(agent, serve.port), { status: 200, body: 'hello from two/\n' });
    assert.equal(await redirect(), 'https://example.test:9443/x', 'the plain-HTTP socket is still served');
  } finally {
    await new Promise((r) => holder.close(r));
  }

  const oldHttp = httpPort();
  fs.writeFileSync(configFile, config('two', true, { http: false, extra: '' }));
  const reloaded = await reloadBySignal('reloaded');
  await serve.waitFor(
    (e) => e['event'] === 'drained' && e['generation'] === reloaded['draining_generation'],
    20_000,
  );
  assert.deepEqual(await get(agent, serve.port), { status: 200, body: 'hello from two/\n' });
  const refused = await new Promise<string>((resolve) => {
    const socket = net.connect(oldHttp, '127.0.0.1', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  assert.equal(refused, 'ECONNREFUSED', 'the dropped listener’s socket is closed');
});

test('TLSTERM_MALLOC=jemalloc reaches the one process too (preloaded by its exec)', async () => {
  const dir = path.join(tmp.dir, 'jemalloc');
  fs.mkdirSync(dir, { recursive: true });
  const other = await startServe(
    dir,
    // drain_timeout 0 is a warning: printed once, by the one check (after the exec, in its child).
    config('two')
      .replace(/^admin: .*\n/m, '')
      .replace('drain_timeout: 3s', 'drain_timeout: 0s'),
    [],
    'jemalloc.yaml',
    'started',
    { TLSTERM_MALLOC: 'jemalloc' },
  );
  try {
    const maps = fs.readFileSync(`/proc/${other.pid}/maps`, 'utf8');
    assert.match(maps, /libjemalloc\.so\.2/);
    assert.equal(
      other.events.some((e) => e['event'] === 'worker_allocator'),
      false,
      other.stderr(),
    );
    assert.equal(other.stderr().split('drain_timeout 0:').length - 1, 1, other.stderr());
    const agent = new https.Agent({ keepAlive: false });
    assert.deepEqual(await get(agent, other.port), { status: 200, body: 'hello from two/\n' });
  } finally {
    await other.stop();
  }
});

test('SIGTERM drains: a request in flight is answered, a plain-HTTP request that never ends is cut at the deadline, and the process exits', async () => {
  fs.writeFileSync(configFile, config('two'));
  await reloadBySignal('reloaded');
  // A client that sends half a request head to the plain-HTTP listener and then nothing.
  const stalled = net.connect(httpPort(), '127.0.0.1', () => stalled.write('GET / HTTP/1.1\r\nHost: x\r\n'));
  const stalledClosed = new Promise<void>((r) => stalled.once('close', () => r()));
  stalled.on('error', () => {});
  const agent = new https.Agent({ keepAlive: true });
  const slow = get(agent, serve.port, '/slow');
  await new Promise((r) => setTimeout(r, 400));
  const exited = new Promise<void>((r) => {
    const check = setInterval(() => {
      try {
        process.kill(serve.pid, 0);
      } catch {
        clearInterval(check);
        r();
      }
    }, 100);
  });
  serve.signal('SIGTERM');
  assert.deepEqual(await slow, { status: 200, body: 'hello from two/slow\n' });
  agent.destroy();
  const stopped = await serve.waitFor((e) => e['event'] === 'stopped', 15_000);
  assert.equal(stopped['drained'], true);
  assert.equal(stopped['cut'], 1, 'the stalled plain-HTTP connection, cut at drain_timeout');
  await stalledClosed;
  // Bounded: the stalled client would hold the process for as long as it likes otherwise, and the
  // idle upstream connection /slow came back on until its idle timeout (4 s) if the stop left it.
  await Promise.race([
    exited,
    new Promise((_, reject) => setTimeout(() => reject(new Error('still running 2 s after stopped')), 2000)),
  ]);
  await serve.stop();
});
