// After a load of 1,200 connections ends, a worker gives memory back: it logs "memory_relief" with
// its RSS before and after one memory-reducing collection. Without it, RSS stayed at the load's
// high-water mark (docs/benchmarks.md, "RSS after a load").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { inspectConfig, type ServeProcess, startServe } from './serve-harness.ts';

const CONNECTIONS = 1200;
let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;

before(async () => {
  tmp = makeTempDir('serve-memory-relief');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  serve = await startServe(tmp.dir, inspectConfig(tmp.dir, pki), ['--workers', '1']);
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

// From 100 loopback addresses, so a per-client connection limit does not refuse the load.
function hold(port: number, i: number): Promise<tls.TLSSocket | undefined> {
  return new Promise((resolve) => {
    const raw = net.connect({ host: '127.0.0.1', port, localAddress: `127.0.3.${1 + (i % 100)}` });
    const socket = tls.connect({ socket: raw, servername: 'example.test', rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 20_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

test("the worker runs with --expose-gc (for the relief), V8's old-generation starting limit, a smaller young generation and no memory reducer", () => {
  const children = spawnSync('pgrep', ['-P', String(serve.pid)], { encoding: 'utf8' }).stdout.trim();
  const worker = Number(children.split('\n')[0]);
  assert.ok(worker > 0, 'no worker process found');
  const argv = readFileSync(`/proc/${worker}/cmdline`, 'utf8').split('\0');
  assert.ok(argv.includes('--expose-gc'), argv.join(' '));
  assert.ok(argv.includes('--initial-old-space-size=64'), argv.join(' '));
  // The relief decides when memory (and compiled code) goes back, not V8's reducer at every lull.
  assert.ok(argv.includes('--no-memory-reducer'), argv.join(' '));
  assert.ok(argv.includes('--max-semi-space-size=8'), argv.join(' '));
});

test('a worker logs memory_relief and its RSS goes down once 1,200 held connections close', async () => {
  const held: tls.TLSSocket[] = [];
  let next = 0;
  const deadline = performance.now() + 60_000;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < CONNECTIONS && performance.now() < deadline) {
        const s = await hold(serve.port, next++);
        if (s !== undefined) held.push(s);
      }
    }),
  );
  assert.ok(held.length >= 1100, `held ${held.length} of ${CONNECTIONS}`);
  for (const s of held) s.destroy();
  const relief = await serve.waitFor((e) => e.event === 'memory_relief', 60_000);
  // The load is over when it fires (the peak is what the 5 s checks sampled: a ramp shorter than one
  // check leaves none, so only the sockets open now are asserted).
  assert.ok(Number(relief.connections) <= 16, JSON.stringify(relief));
  assert.ok(Number(relief.rss_mib_after) < Number(relief.rss_mib_before), JSON.stringify(relief));
  assert.equal(typeof relief.worker, 'number', 'logged by the worker');
});
