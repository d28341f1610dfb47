// `tlsterm reload` reports what happened, not that a signal was sent: exit 0 when the new
// generation serves, 1 with the reason on stderr when it failed (here: a new listener's port is
// taken, so the new workers cannot start and the old generation keeps serving). Two instances of
// two configs share a state directory: `reload -c A` reaches A only, and `reload` without -c names
// both and asks which. A SIGHUP right after spawn (as soon as tlsterm's own code runs) is a reload
// once started, never the end of the process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { inspectConfig, type ServeProcess, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let a: ServeProcess;
let b: ServeProcess;
let blocker: net.Server;
let blockedPort = 0;

before(async () => {
  tmp = makeTempDir('serve-reload-outcome');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  blockedPort = (blocker.address() as net.AddressInfo).port;
  // Same state directory, two configs.
  a = await startServe(tmp.dir, inspectConfig(tmp.dir, pki), ['--workers', '1'], 'a.yaml');
  b = await startServe(tmp.dir, inspectConfig(tmp.dir, pki), ['--workers', '1'], 'b.yaml');
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await new Promise((r) => blocker?.close(r));
  tmp?.cleanup();
});

const reload = (args: readonly string[]) =>
  run(process.execPath, [BIN, 'reload', '--state-dir', path.join(tmp.dir, 'state'), ...args], {
    timeoutMs: 60_000,
  });

test('reload -c waits for the new generation and reaches only the instance of that config', async () => {
  const r = await reload(['-c', path.join(tmp.dir, 'a.yaml')]);
  assert.equal(r.code, 0, r.all);
  assert.match(r.stdout, new RegExp(`reloaded: generation 2 serves \\(pid ${a.pid}\\)`));
  await a.waitFor((e) => e['event'] === 'reloaded', 5000);
  assert.equal(
    b.events.some((e) => e['event'] === 'reloaded' || e['event'] === 'reload_failed'),
    false,
    'the other config was not reloaded',
  );
});

test('reload without -c while two instances share the state directory names both and asks for -c', async () => {
  const r = await reload([]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /2 tlsterm instances share/);
  assert.match(r.stderr, new RegExp(`pid ${a.pid}: .*a\\.yaml`));
  assert.match(r.stderr, new RegExp(`pid ${b.pid}: .*b\\.yaml`));
  assert.match(r.stderr, /hint: say which one with -c FILE/);
});

test('a reload whose new port is taken exits 1 with the reason, and the old generation keeps serving', async () => {
  const file = path.join(tmp.dir, 'b.yaml');
  fs.appendFileSync(
    file,
    `  - address: 127.0.0.1:${blockedPort}
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`,
  );
  const r = await reload(['-c', file]);
  assert.equal(r.code, 1, r.all);
  assert.match(r.stderr, /reload failed \(workers\)/);
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${blockedPort}`));
  assert.match(r.stderr, /EADDRINUSE/);
  assert.match(r.stderr, /generation 1 keeps serving/);
  const ok = await run('curl', [
    '-sk',
    '--resolve',
    `example.test:${b.port}:127.0.0.1`,
    `https://example.test:${b.port}/`,
  ]);
  assert.equal(ok.code, 0, ok.all);
});

/** Starts serve and sends SIGHUP while its modules still load: the outcome must be a reload. */
async function earlySighup(name: string, head: string, args: readonly string[]): Promise<void> {
  const file = path.join(tmp.dir, `${name}.yaml`);
  fs.writeFileSync(file, `${head}${inspectConfig(path.join(tmp.dir, name), pki)}`);
  const earlyState = path.join(tmp.dir, `${name}-state`);
  const child = spawn(process.execPath, [BIN, 'serve', '-c', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TLSTERM_STATE_DIR: earlyState },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    // bin/tlsterm makes <state>/compile-cache before it loads the modules (hundreds of ms): send
    // SIGHUP the moment it appears, while the rest of tlsterm is still loading.
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(path.join(earlyState, 'compile-cache')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGHUP');
    const outcome = await Promise.race([
      exited.then((code) => `exited with ${code}`),
      new Promise<string>((resolve) => {
        const check = setInterval(() => {
          if (/"event":"reloaded"/.test(out)) {
            clearInterval(check);
            resolve('reloaded');
          }
        }, 50);
        setTimeout(() => {
          clearInterval(check);
          resolve(`no reload in time: ${out.slice(-500)}`);
        }, 30_000);
      }),
    ]);
    assert.equal(outcome, 'reloaded');
    assert.match(out, /"event":"started"[\s\S]*"event":"reloaded"/);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

test('a SIGHUP as soon as tlsterm runs is a reload once started, not the end of the process', () =>
  earlySighup('early', '', ['--workers', '1']));

test('single_process: a SIGHUP before the process replaced itself (heap limit) is a reload once started', () =>
  earlySighup('early-single', 'single_process: true\n', []));
