// Redis Sentinel (`state: { backend: redis, sentinels, name }`): one master, one replica, one
// sentinel (quorum 1) on loopback. Under a bounded loop of resumed handshakes the master is killed:
// no handshake fails while the sentinel promotes the replica, and the ticket keys survive — a second
// instance started after the failover (reading the keys from the new master) resumes a ticket the
// first issued before it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { freePort, stopChild } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let master: RedisServer;
let replica: RedisServer;
let sentinel: ChildProcess | undefined;
let sentinelPort: number;
const serves: ServeProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cli = async (port: number, args: readonly string[]) =>
  (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const config = (name: string) => `state_dir: ${tmp.dir}/state-${name}
extra_ca: [${pki.rootPath}]
state: { backend: redis, sentinels: ["127.0.0.1:${sentinelPort}"], name: mymaster }
listeners:
  - name: tickets
    address: 127.0.0.1:0
    session: { tickets: true, cache: false }
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`;

before(async () => {
  tmp = makeTempDir('sentinel');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  master = await startRedis();
  replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  await until('the replica to sync', async () =>
    (await cli(replica.port, ['info', 'replication'])).includes('master_link_status:up'),
  );
  sentinelPort = await freePort();
  const conf = path.join(tmp.dir, 'sentinel.conf');
  fs.writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
      'sentinel down-after-milliseconds mymaster 1000',
      'sentinel failover-timeout mymaster 5000',
      '',
    ].join('\n'),
  );
  sentinel = spawn('/usr/bin/redis-server', [conf, '--sentinel'], { stdio: ['ignore', 'ignore', 'ignore'] });
  await until('the sentinel to know the replica', async () =>
    (await cli(sentinelPort, ['sentinel', 'replicas', 'mymaster'])).includes(String(replica.port)),
  );
});

after(async () => {
  for (const s of serves) await s.stop();
  if (sentinel) await stopChild(sentinel);
  await replica?.stop();
  await master?.stop();
  tmp?.cleanup();
});

/** One handshake offering `session`; what happened. */
function handshake(
  port: number,
  session: Buffer | undefined,
): Promise<{ ok: boolean; resumed: boolean; session?: Buffer }> {
  return new Promise((resolve) => {
    let next: Buffer | undefined;
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'example.test',
      ca: pki.rootPem,
      ...(session ? { session } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, resumed: false });
    }, 5000);
    let resumed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.end();
      resolve({ ok: true, resumed, ...(next ? { session: next } : {}) });
    };
    // The ticket arrives after the handshake (TLS 1.3); a resumed handshake may bring a new one.
    socket.on('session', (s: Buffer) => {
      next = s;
      finish();
    });
    socket.once('secureConnect', () => {
      resumed = socket.isSessionReused();
      setTimeout(finish, 300);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve({ ok: false, resumed: false });
    });
  });
}

test('a failover under resumed handshakes: none fails, and the ticket keys survive', async (t) => {
  const a = await startServe(tmp.dir, config('a'), ['--workers', '1'], 'a.yaml');
  serves.push(a);
  await until(
    'the ticket keys in Redis',
    async () => (await cli(replica.port, ['exists', 'tlsterm:tickets:ticket-keys'])) === '1',
  ).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(a.events)} ${a.stderr()}`);
  });
  const first = await handshake(a.port, undefined);
  assert.ok(first.ok && first.session);
  const before = first.session;

  // 200 handshakes over about 10 s, each offering the last ticket; the master dies 2 s in.
  const results: { ok: boolean; resumed: boolean }[] = [];
  let session: Buffer | undefined = before;
  const started = Date.now();
  let killed = false;
  for (let i = 0; i < 200 && Date.now() - started < 30_000; i++) {
    if (!killed && Date.now() - started > 2000) {
      killed = true;
      await master.stop();
    }
    const r = await handshake(a.port, session);
    results.push(r);
    if (r.session) session = r.session;
    await sleep(30);
  }
  assert.ok(killed);
  const failed = results.filter((r) => !r.ok).length;
  const resumed = results.filter((r) => r.resumed).length;
  t.diagnostic(
    `${results.length} handshakes in ${Date.now() - started} ms, ${resumed} resumed, ${failed} failed`,
  );
  assert.equal(failed, 0, `${failed} of ${results.length} handshakes failed`);
  assert.ok(resumed > results.length * 0.9, `${resumed} of ${results.length} resumed`);

  await until('the sentinel to promote the replica', async () =>
    (await cli(sentinelPort, ['sentinel', 'get-master-addr-by-name', 'mymaster'])).includes(
      String(replica.port),
    ),
  );
  // A second instance that knows the keys only from the new master resumes the pre-failover ticket.
  const b = await startServe(tmp.dir, config('b'), ['--workers', '1'], 'b.yaml');
  serves.push(b);
  const later = await handshake(b.port, before);
  assert.ok(later.ok);
  assert.equal(later.resumed, true);
});
