// Reload without dropping anything: under a steady, bounded load of keep-alive requests, a reload
// (`tlsterm reload`, i.e. SIGHUP) starts new workers on the new config and drains the old ones, and
// not one request fails. A broken config is refused and the old one keeps serving. SIGTERM lets a
// request in flight finish before the process exits.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { type GreetingBackends, httpsGet, startGreetingBackends, startSteadyLoad } from './reload-harness.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let backends: GreetingBackends;
let serve: ServeProcess;
let configFile: string;

const config = (greeting: string) => `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
drain_timeout: 10s
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: http://127.0.0.1:${backends.port(greeting)}
`;

before(async () => {
  tmp = makeTempDir('serve-reload');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  // One backend per config generation: the answer says which config routed the request.
  backends = await startGreetingBackends(['one', 'two']);
  serve = await startServe(tmp.dir, config('one'), ['--workers', '2'], 'reload.yaml');
  configFile = path.join(tmp.dir, 'reload.yaml');
});

after(async () => {
  await serve?.stop();
  await backends?.close();
  tmp?.cleanup();
});

const get = (agent: https.Agent, port: number, pathname = '/') =>
  httpsGet(agent, port, pki.rootPem, pathname);

test('a reload under steady load fails no request, and the new config serves', async () => {
  // Four quick loops, and one whose requests take 1.5 s: one is in flight on an old worker when
  // the reload comes, and must be answered, not cut.
  const load = startSteadyLoad(serve.port, pki.rootPem, ['/', '/', '/', '/', '/slow']);

  await new Promise((r) => setTimeout(r, 800));
  fs.writeFileSync(configFile, config('two'));
  // reload waits for the new generation to serve (bounded by its own --timeout).
  const reload = await run(process.execPath, [BIN, 'reload', '-c', configFile], { timeoutMs: 90_000 });
  assert.equal(reload.code, 0, reload.stderr);
  assert.match(reload.stdout, /reloaded: generation 2 serves \(pid \d+\)/);
  const reloaded = await serve.waitFor((e) => e['event'] === 'reloaded', 20_000);
  const drained = await serve.waitFor(
    (e) => e['event'] === 'drained' && e['generation'] === reloaded['draining_generation'],
    20_000,
  );
  // Keep the load on the new generation for a moment.
  await load.more(200);
  const { failures, bodies, sent } = await load.stop();

  assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed`);
  assert.ok((bodies.get('hello from one/\n') ?? 0) > 0, 'the old config served before the reload');
  assert.ok((bodies.get('hello from two/\n') ?? 0) > 0, 'the new config serves after it');
  // The requests logged before the reload came from the old workers; the ones after the old
  // generation drained, from new ones (which worker takes a connection is the kernel's choice).
  const requestWorkers = (events: Record<string, unknown>[]) =>
    new Set(events.filter((e) => e['event'] === 'access').map((e) => e['worker']));
  const oldWorkers = requestWorkers(serve.events.slice(0, serve.events.indexOf(reloaded)));
  const newWorkers = requestWorkers(serve.events.slice(serve.events.indexOf(drained)));
  assert.ok(oldWorkers.size > 0 && newWorkers.size > 0, 'both generations served');
  assert.deepEqual(
    [...newWorkers].filter((w) => oldWorkers.has(w)),
    [],
    'new workers, not the old ones',
  );
});

test('a broken config is refused: `tlsterm reload -c` says why, a SIGHUP logs it, the old config keeps serving', async () => {
  fs.writeFileSync(configFile, config('two').replace('certificates:', 'certificatez:'));
  // reload waits for the new generation to serve (bounded by its own --timeout).
  const reload = await run(process.execPath, [BIN, 'reload', '-c', configFile], { timeoutMs: 90_000 });
  assert.equal(reload.code, 1);
  assert.match(reload.stderr, /certificatez/);
  assert.match(reload.stderr, /not reloading/);

  serve.signal('SIGHUP');
  const failed = await serve.waitFor((e) => e['event'] === 'reload_failed', 20_000);
  assert.equal(failed['reason'], 'config');
  assert.match(String(failed['detail']), /certificatez/);
  const agent = new https.Agent({ keepAlive: false });
  const { status, body } = await get(agent, serve.port);
  assert.equal(status, 200);
  assert.equal(body, 'hello from two/\n', 'the last good config still serves');
});

test('a worker that dies is replaced, and serving goes on', async () => {
  fs.writeFileSync(configFile, config('two'));
  const agent = new https.Agent({ keepAlive: false });
  await get(agent, serve.port);
  const served = serve.events.findLast((e) => e['event'] === 'access');
  const victim = Number(served?.['worker']);
  assert.ok(victim > 0);
  process.kill(victim, 'SIGKILL');
  const exited = await serve.waitFor((e) => e['event'] === 'worker_exited' && e['pid'] === victim, 10_000);
  assert.equal(exited['signal'], 'SIGKILL');
  await serve.waitFor((e) => e['event'] === 'worker_restarted', 15_000);
  for (let i = 0; i < 5; i++) assert.equal((await get(agent, serve.port)).status, 200);
});

test('SIGTERM drains: a request in flight is answered before the process exits', async () => {
  fs.writeFileSync(configFile, config('two'));
  const agent = new https.Agent({ keepAlive: true });
  const slow = get(agent, serve.port, '/slow');
  await new Promise((r) => setTimeout(r, 400));
  serve.signal('SIGTERM');
  const { status, body } = await slow;
  assert.equal(status, 200);
  assert.match(body, /^hello from (one|two)\/slow\n$/);
  agent.destroy();
  await serve.waitFor((e) => e['event'] === 'stopping');
  const stopped = await serve.waitFor((e) => e['event'] === 'stopped', 15_000);
  assert.equal(stopped['drained'], true);
  assert.equal(stopped['cut'], 0, 'nothing was cut');
  await serve.stop();
});
