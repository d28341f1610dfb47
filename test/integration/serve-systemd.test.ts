// systemd without systemd: a fake $NOTIFY_SOCKET (a unix datagram receiver in python3, as systemd
// is one) collects what `tlsterm serve` tells the service manager: READY=1 once the workers listen,
// RELOADING=1 with MONOTONIC_USEC then READY=1 around a reload, STOPPING=1 on SIGTERM. And the
// unit file shipped in contrib/systemd/ passes `systemd-analyze verify` with no complaint.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { stopChild } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { inspectConfig } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');
const UNIT = path.resolve(import.meta.dirname, '../../contrib/systemd/tlsterm.service');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

// systemd's receiver reads each datagram and closes the fds of BARRIER=1 (systemd-notify waits for
// that); recvmsg without room for ancillary data closes them too.
const RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    data, anc, flags, addr = s.recvmsg(4096, 0)
    print(data.decode().replace("\\n", "|"), flush=True)
`;

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let receiver: ChildProcess | undefined;
const messages: string[] = [];

before(async () => {
  tmp = makeTempDir('serve-systemd');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(async () => {
  if (receiver !== undefined) await stopChild(receiver);
  tmp?.cleanup();
});

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`${what}; messages so far: ${JSON.stringify(messages)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('READY=1 when the workers listen, RELOADING=1 then READY=1 on reload, STOPPING=1 on stop', {
  skip: !has('python3') || !has('systemd-notify') ? 'needs python3 and systemd-notify' : false,
}, async () => {
  const socket = path.join(tmp.dir, 'notify.sock');
  receiver = spawn('python3', ['-c', RECEIVER, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  receiver.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    messages.push(...lines);
  });
  await until(() => messages.includes('listening'), 10_000, 'the receiver did not start');

  const file = path.join(tmp.dir, 'tlsterm.yaml');
  fs.writeFileSync(file, inspectConfig(tmp.dir, pki));
  const serve = spawn(process.execPath, [BIN, 'serve', '-c', file, '--workers', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NOTIFY_SOCKET: socket },
  });
  let log = '';
  serve.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  try {
    await until(() => messages.some((m) => m.includes('READY=1')), 30_000, 'no READY=1');
    const ready = messages.find((m) => m.includes('READY=1')) ?? '';
    assert.match(ready, /STATUS=serving generation 1/);
    assert.match(ready, new RegExp(`MAINPID=${serve.pid}`));
    // Only after both workers listen: the started line is already in the log.
    assert.match(log, /"event":"started"/);

    const before = messages.length;
    serve.kill('SIGHUP');
    await until(
      () => messages.slice(before).some((m) => m.startsWith('READY=1')),
      30_000,
      'no READY=1 after the reload',
    );
    const afterReload = messages.slice(before).filter((m) => m !== 'BARRIER=1');
    assert.match(afterReload[0] ?? '', /^RELOADING=1\|MONOTONIC_USEC=\d+\|STATUS=reloading$/);
    assert.match(afterReload[1] ?? '', /^READY=1\|STATUS=serving generation 2$/);

    serve.kill('SIGTERM');
    await until(() => messages.some((m) => m.startsWith('STOPPING=1')), 20_000, 'no STOPPING=1');
  } finally {
    await stopChild(serve);
  }
});

test('contrib/systemd/tlsterm.service passes systemd-analyze verify', {
  skip: has('systemd-analyze') ? false : 'systemd-analyze is not installed',
}, () => {
  // verify insists that the commands exist: point them at this checkout's bin/tlsterm.
  const unit = path.join(tmp.dir, 'tlsterm.service');
  fs.writeFileSync(unit, fs.readFileSync(UNIT, 'utf8').replaceAll('/usr/bin/tlsterm', BIN));
  const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  // Unknown keys and bad values are only warnings (exit 0): none may appear.
  assert.equal(r.stderr.trim(), '', r.stderr);
  const text = fs.readFileSync(UNIT, 'utf8');
  for (const line of [
    'Type=notify',
    'NotifyAccess=all',
    'ExecReload=/usr/bin/tlsterm reload -c /etc/tlsterm/tlsterm.yaml',
    'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    'User=tlsterm',
    'NoNewPrivileges=yes',
  ])
    assert.ok(text.includes(line), line);
});
