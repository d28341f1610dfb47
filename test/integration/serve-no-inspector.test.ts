// No inspector in the processes that hold the private keys: SIGUSR1 (the habit of sending it to
// reopen logs) must not open Node's inspector on 127.0.0.1:9229 in the primary or in a worker; the
// process keeps serving and logs "event":"log_reopen". An inspector asked for in NODE_OPTIONS is a
// refusal to start.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { inspectConfig, type ServeProcess, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;

before(async () => {
  tmp = makeTempDir('serve-no-inspector');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  serve = await startServe(tmp.dir, inspectConfig(tmp.dir, pki), ['--workers', '1']);
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

/** The TCP ports a process listens on (ss names the owning pid). */
function listeningPorts(pid: number): number[] {
  const r = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => Number(l.split(/\s+/)[3]?.split(':').pop()));
}

const get = (port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, servername: 'example.test', ca: pki.rootPem, path: '/' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });

test('SIGUSR1 to the primary (log_reopen) and to a worker opens no inspector; both keep serving', async () => {
  const children = spawnSync('pgrep', ['-P', String(serve.pid)], { encoding: 'utf8' }).stdout.trim();
  const worker = Number(children.split('\n')[0]);
  assert.ok(worker > 0, 'no worker process found');
  process.kill(serve.pid, 'SIGUSR1');
  await serve.waitFor((e) => e['event'] === 'log_reopen' && e['pid'] === serve.pid);
  // A worker runs with --disable-sigusr1: the signal is held, never handled (reopening is the primary's).
  process.kill(worker, 'SIGUSR1');
  await sleep(500); // the inspector, if it were to open, does so on its own thread
  assert.ok(!listeningPorts(serve.pid).includes(9229), 'the primary listens on 9229');
  assert.ok(!listeningPorts(worker).includes(9229), 'a worker listens on 9229');
  assert.doesNotMatch(serve.stderr(), /Debugger listening|inspector/i);
  process.kill(serve.pid, 0);
  process.kill(worker, 0);
  assert.equal(await get(serve.port), 200);
});

test('serve refuses to start with NODE_OPTIONS=--inspect', () => {
  const r = spawnSync(process.execPath, [BIN, 'serve', '--state-dir', `${tmp.dir}/state2`], {
    env: { ...process.env, NODE_OPTIONS: '--inspect=127.0.0.1:0' },
    encoding: 'utf8',
    timeout: 15_000,
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /serve refuses to run with the Node inspector \(--inspect=127\.0\.0\.1:0\)/);
});
