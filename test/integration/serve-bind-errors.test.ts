// A listener that cannot bind says what to do, as the operator sees it on stderr: the port is in
// use (and by which process), a port below 1024 without CAP_NET_BIND_SERVICE (and how to give it),
// an address that is not this host's.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, stopChild, waitForPort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { configHead, inspectSite } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;

before(async () => {
  tmp = makeTempDir('serve-bind-errors');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp?.cleanup());

function configOn(name: string, address: string): string {
  const file = path.join(tmp.dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    `${configHead(tmp.dir, pki.rootPath)}  - address: ${address}\n    sites:\n${inspectSite(pki)}`,
  );
  return file;
}

const serve = (file: string, prefix: readonly string[] = []) =>
  prefix.length > 0
    ? run(
        prefix[0] ?? '',
        [...prefix.slice(1), process.execPath, BIN, 'serve', '-c', file, '--workers', '1'],
        {
          timeoutMs: 60_000,
        },
      )
    : run(process.execPath, [BIN, 'serve', '-c', file, '--workers', '1'], { timeoutMs: 60_000 });

// Both process models: the single process's generation fails in the primary itself, and the first
// version crashed there with a ReferenceError after the clear error.
for (const model of ['workers: 1', 'single_process: true'] as const)
  test(`a port in use (${model}): the error names the process that holds it, and nothing else`, async () => {
    const port = await freePort();
    const holder = spawn(
      process.execPath,
      ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1'); setTimeout(() => {}, 60000)`],
      { stdio: 'ignore' },
    );
    try {
      assert.ok(await waitForPort(port));
      const file = configOn(`in-use-${model.split(':')[0]}`, `127.0.0.1:${port}`);
      fs.writeFileSync(file, `${model}\n${fs.readFileSync(file, 'utf8')}`);
      const r = await run(process.execPath, [BIN, 'serve', '-c', file], { timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.all);
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      assert.match(
        r.stderr,
        new RegExp(`hint: port ${port} is in use: it is held by pid ${holder.pid} \\(.*node`),
      );
      // The error and its hint, not a stack trace or a worker's exit on top of them.
      assert.doesNotMatch(r.all, /Error:|\n\s+at |worker_exited/);
    } finally {
      await stopChild(holder);
    }
  });

test('port 443 without CAP_NET_BIND_SERVICE: the hint gives the capability, setcap and the unit', {
  skip:
    spawnSync('setpriv', ['--version']).status !== 0
      ? 'needs setpriv (util-linux)'
      : Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) <= 443
        ? 'this host lets anyone bind port 443 (net.ipv4.ip_unprivileged_port_start)'
        : false,
}, async () => {
  // As root too: without the capability in the bounding set, root cannot bind below 1024 either.
  const r = await serve(configOn('privileged', '127.0.0.1:443'), [
    'setpriv',
    '--bounding-set',
    '-net_bind_service',
  ]);
  assert.equal(r.code, 1, r.all);
  assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:443: .*EACCES/);
  assert.match(r.stderr, /hint: ports below 1024 need CAP_NET_BIND_SERVICE/);
  assert.match(r.stderr, /AmbientCapabilities=CAP_NET_BIND_SERVICE/);
  assert.match(r.stderr, /setcap cap_net_bind_service=\+ep/);
});

test('an address that is not this host’s: EADDRNOTAVAIL with what to check', async () => {
  // 192.0.2.0/24 is TEST-NET-1: no host has it.
  const r = await serve(configOn('not-here', '192.0.2.1:8443'));
  assert.equal(r.code, 1, r.all);
  assert.match(r.stderr, /cannot listen on 192\.0\.2\.1:8443: .*EADDRNOTAVAIL/);
  assert.match(r.stderr, /hint: 192\.0\.2\.1 is not an address of this host: check `ip -br addr`/);
});
