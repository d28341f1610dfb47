// Experiment: memory per idle TLS 1.3 connection of a bare Node TLS server, four ways: sockets
// straight from tls.Server or first read in JavaScript (the ClientHello record, put back with
// unshift and emitted on the tls.Server, as tlsterm's accept path does), each with and without
// 'newSession'/'resumeSession' listeners. It shows why tlsterm hands most hellos to servers without
// those listeners (docs/benchmarks.md, "Issue 2's targets"). Bounded: COUNT connections per case,
// each server a child process whose RSS is read from /proc before and after.
// Run: node bench/peek-memory.ts [count=2000] [repeats=2]
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { makeCerts } from './lib/certs.ts';
import { peekFirstRecord } from './lib/peek.ts';

type Arrival = 'direct' | 'peek';
type Hooks = 'cache' | 'none';

function child(certDir: string, arrival: Arrival, hooks: Hooks): void {
  const server = tls.createServer({
    cert: readFileSync(join(certDir, 'fullchain.pem')),
    key: readFileSync(join(certDir, 'privkey.pem')),
    sessionIdContext: 'peek-memory',
  });
  if (hooks === 'cache') {
    const sessions = new Map<string, Buffer>();
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      sessions.set(id.toString('hex'), data);
      done();
    });
    server.on('resumeSession', (id: Buffer, done: (err: null, data: Buffer | null) => void) =>
      done(null, sessions.get(id.toString('hex')) ?? null),
    );
  }
  server.on('secureConnection', (socket) => socket.on('error', () => {}));
  const front =
    arrival === 'direct'
      ? server
      : net.createServer((socket) => peekFirstRecord(socket, (peeked) => server.emit('connection', peeked)));
  front.listen(0, '127.0.0.1', () => process.send?.((front.address() as net.AddressInfo).port));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function openIdle(port: number, count: number): Promise<tls.TLSSocket[]> {
  const sockets: tls.TLSSocket[] = [];
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from(
        { length: Math.min(50, count - i) },
        () =>
          new Promise<void>((resolve) => {
            const s = tls.connect(
              { port, host: '127.0.0.1', rejectUnauthorized: false, ecdhCurve: 'X25519', timeout: 10_000 },
              () => resolve(),
            );
            s.on('error', () => resolve());
            s.on('timeout', () => s.destroy());
            sockets.push(s);
          }),
      ),
    );
  }
  return sockets;
}

async function measure(certDir: string, arrival: Arrival, hooks: Hooks, count: number): Promise<number> {
  const server = fork(import.meta.filename, ['child', certDir, arrival, hooks], { stdio: 'ignore' });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('message', (p) => resolve(p as number));
      server.once('exit', () => reject(new Error('the server exited')));
    });
    const rssKiB = (): number => Number(readFileSync(`/proc/${server.pid}/statm`, 'utf8').split(' ')[1]) * 4;
    // Warm-up: the first connections also grow heaps and pools that later ones reuse.
    for (const s of await openIdle(port, 200)) s.destroy();
    await sleep(500);
    const before = rssKiB();
    const sockets = await openIdle(port, count);
    await sleep(1500);
    const after = rssKiB();
    for (const s of sockets) s.destroy();
    return (after - before) / count;
  } finally {
    server.kill();
  }
}

if (process.argv[2] === 'child') {
  child(process.argv[3]!, process.argv[4] as Arrival, process.argv[5] as Hooks);
} else {
  const count = Math.min(Math.max(Number(process.argv[2] ?? 2000), 100), 10_000);
  const repeats = Math.min(Math.max(Number(process.argv[3] ?? 2), 1), 5);
  const dir = mkdtempSync(join(tmpdir(), 'peek-memory-'));
  try {
    makeCerts(dir, 'bench.test');
    console.log(`RSS per idle TLS 1.3 connection, ${count} connections, KiB (${repeats} runs each)`);
    for (const arrival of ['direct', 'peek'] as const)
      for (const hooks of ['cache', 'none'] as const) {
        const runs: string[] = [];
        for (let r = 0; r < repeats; r++) runs.push((await measure(dir, arrival, hooks, count)).toFixed(1));
        const what = `${arrival === 'direct' ? 'straight from tls.Server' : 'read first in JS'}, ${hooks === 'cache' ? 'with' : 'without'} session-cache listeners`;
        console.log(`  ${what.padEnd(62)} ${runs.join(' / ')}`);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
