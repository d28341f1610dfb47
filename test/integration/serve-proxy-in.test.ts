// tlsterm behind an L4 balancer: HAProxy in TCP mode with send-proxy-v2 (and send-proxy) in front of
// two tlsterm instances sharing Redis. The client's own address (127.0.0.2 / 127.0.0.3) is what
// tlsterm logs and what the app sees in X-Forwarded-For; sessions made through one instance resume
// on the other; a connection from outside `from`, or with a malformed header, is refused and logged
// and never reaches TLS.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { type RunningHaproxy, startHaproxy } from '../helpers/haproxy.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let redis: RedisServer;
let app: http.Server;
let a: ServeProcess;
let b: ServeProcess;
let lb: RunningHaproxy;

const config = (name: string, appPort: number) => `state_dir: ${tmp.dir}/state-${name}
extra_ca: [${pki.rootPath}]
state: { backend: redis, url: "${redis.url()}" }
listeners:
  - name: behind-lb
    address: 127.0.0.1:0
    proxy_protocol: { accept: both, from: [127.0.0.1/32] }
    session: { tickets: true, cache: true }
    limits: { max_connections_per_client: 2 }
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: http://127.0.0.1:${appPort}
`;

before(async () => {
  tmp = makeTempDir('serve-proxy-in');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  redis = await startRedis();
  app = http.createServer((req, res) => res.end(JSON.stringify({ headers: req.headers })));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const appPort = (app.address() as net.AddressInfo).port;
  a = await startServe(tmp.dir, config('a', appPort), ['--workers', '1'], 'a.yaml');
  b = await startServe(tmp.dir, config('b', appPort), ['--workers', '1'], 'b.yaml');
  lb = await startHaproxy(path.join(tmp.dir, 'haproxy'), [
    `server a 127.0.0.1:${a.port} send-proxy-v2`,
    `server b 127.0.0.1:${b.port} send-proxy-v2`,
    `server a 127.0.0.1:${a.port} send-proxy`,
    // Health checks only (nobody connects to this frontend): a LOCAL header, then close.
    `server a 127.0.0.1:${a.port} send-proxy-v2 check inter 200ms check-send-proxy`,
  ]);
});

after(async () => {
  await lb?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  app?.close();
  tmp?.cleanup();
});

// Async: the app runs in this process.
const curl = (port: number, from: string) =>
  new Promise<{ headers: Record<string, string> }>((resolve, reject) =>
    execFile(
      'curl',
      [
        '-sS',
        '--interface',
        from,
        '--cacert',
        pki.rootPath,
        '--resolve',
        `example.test:${port}:127.0.0.1`,
        `https://example.test:${port}/`,
      ],
      { timeout: 10_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message} ${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );

// A request, so that the TLS 1.3 ticket (sent after the handshake) arrives before s_client ends.
const sClient = (port: number, args: readonly string[]) =>
  new Promise<string>((resolve) =>
    execFile(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        'example.test',
        '-tls1_3',
        '-ign_eof',
        ...args,
      ],
      { timeout: 10_000 },
      (_error, stdout, stderr) => resolve(`${stdout}${stderr}`),
    ).stdin?.end('GET / HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n'),
  );

const readRoot = (): string => readFileSync(pki.rootPath, 'utf8');

const clientIp = (e: Record<string, unknown>) => String(e['client']).replace(/:\d+$/, '');

test('send-proxy-v2: the app and the logs see the real client, not the balancer', async () => {
  const [fa, fb] = lb.ports as [number, number];
  const viaA = await curl(fa, '127.0.0.2');
  assert.equal(viaA.headers['x-forwarded-for'], '127.0.0.2');
  assert.match(viaA.headers['forwarded'] ?? '', /for=127\.0\.0\.2/);
  const viaB = await curl(fb, '127.0.0.3');
  assert.equal(viaB.headers['x-forwarded-for'], '127.0.0.3');
  const requestA = await a.waitFor(
    (e) => e['event'] === 'access' && String(e['client']).startsWith('127.0.0.2:'),
  );
  assert.ok(requestA);
  const handshakeA = await a.waitFor((e) => e['event'] === 'handshake' && clientIp(e) === '127.0.0.2');
  assert.equal(handshakeA['listener'], 'behind-lb');
  await b.waitFor((e) => e['event'] === 'handshake' && clientIp(e) === '127.0.0.3');
  assert.ok(!a.events.some((e) => e['event'] === 'access' && String(e['client']).startsWith('127.0.0.3:')));
});

test('send-proxy (v1) works on the same listener (accept: both)', async () => {
  const v1 = lb.ports[2] as number;
  const r = await curl(v1, '127.0.0.3');
  assert.equal(r.headers['x-forwarded-for'], '127.0.0.3');
});

test('a session made through the balancer on instance A resumes on instance B', async () => {
  const [fa, fb] = lb.ports as [number, number];
  const file = path.join(tmp.dir, 'sess');
  const made = await sClient(fa, ['-sess_out', file]);
  assert.match(made, /^New, TLSv1\.3/m, made);
  const again = await sClient(fb, ['-sess_in', file]);
  assert.match(again, /^Reused, TLSv1\.3/m, again);
});

/** A raw connection straight to instance A from `from`, writing `bytes`; resolves when A closes it. */
const direct = (from: string, bytes: Buffer) =>
  new Promise<{ received: number }>((resolve) => {
    let received = 0;
    const c = net.connect({ host: '127.0.0.1', port: a.port, localAddress: from }, () => c.write(bytes));
    c.on('data', (d) => {
      received += d.length;
    });
    c.on('error', () => {});
    c.on('close', () => resolve({ received }));
  });

// A ClientHello-looking start: what a client that bypassed the balancer would send.
const HELLO_START = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00]);

test('a connection from outside `from` is refused before TLS, with the reason logged', async () => {
  const r = await direct('127.0.0.2', HELLO_START);
  assert.equal(r.received, 0, 'not a byte of TLS answered');
  const e = await a.waitFor((e) => e['event'] === 'proxy_refused' && e['reason'] === 'untrusted_source');
  assert.match(String(e['detail']), /127\.0\.0\.2 is not in proxy_protocol\.from/);
  assert.ok(!a.events.some((e) => e['event'] === 'handshake_failed' && clientIp(e) === '127.0.0.2'));
});

test('a malformed PROXY header from the balancer address is refused with the reason, never reaching TLS', async () => {
  const r = await direct('127.0.0.1', Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 99999 443\r\n'));
  assert.equal(r.received, 0);
  const e = await a.waitFor((e) => e['event'] === 'proxy_refused' && e['reason'] === 'malformed');
  assert.match(String(e['detail']), /source port "99999" is not a port/);
  // A client speaking TLS straight at the port (no header): refused too, named as such.
  await new Promise((r) => setTimeout(r, 1100)); // past the per-reason log interval
  await direct('127.0.0.1', HELLO_START);
  await a.waitFor(
    (e) => e['event'] === 'proxy_refused' && /ClientHello where a PROXY header/.test(String(e['detail'])),
  );
  assert.ok(!a.events.some((e) => e['event'] === 'handshake_failed' && clientIp(e) === '1.2.3.4'));
});

test('max_connections_per_client counts the real clients behind the balancer, not the balancer', async () => {
  const fa = lb.ports[0] as number;
  const hold = (from: string) =>
    new Promise<tls.TLSSocket | null>((resolve) => {
      const s = tls.connect({
        socket: net.connect({ host: '127.0.0.1', port: fa, localAddress: from }),
        servername: 'example.test',
        ca: [readRoot()],
      });
      s.once('secureConnect', () => resolve(s));
      s.once('error', () => resolve(null));
      s.once('close', () => resolve(null));
    });
  const held: tls.TLSSocket[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = await hold('127.0.0.2');
      assert.ok(s, `connection ${i + 1} of 127.0.0.2 is served`);
      held.push(s);
    }
    // The balancer's address carries both clients: 127.0.0.3 is not refused for 127.0.0.2's two.
    const other = await hold('127.0.0.3');
    assert.ok(other, '127.0.0.3 is served although 127.0.0.2 holds two connections');
    held.push(other);
    assert.equal(await hold('127.0.0.2'), null, "127.0.0.2's third connection is refused");
    const e = await a.waitFor(
      (e) => e['event'] === 'connection_refused' && e['limit'] === 'max_connections_per_client',
    );
    assert.equal(e['client'], '127.0.0.2');
  } finally {
    for (const s of held) s.destroy();
  }
});

test("HAProxy's health checks (LOCAL header, then close) are served quietly: no failure line per check", async () => {
  const failures = () =>
    a.events.filter((e) => e['event'] === 'handshake_failed' || e['event'] === 'proxy_refused').length;
  const before = failures();
  await new Promise((r) => setTimeout(r, 1500)); // ~7 checks at inter 200ms
  assert.equal(failures(), before);
});

test("a LOCAL header followed by a TLS client is served with the socket's own address", async () => {
  const LOCAL = Buffer.from('0d0a0d0a000d0a515549540a20000000', 'hex');
  const raw = net.connect({ host: '127.0.0.1', port: a.port });
  await new Promise<void>((r) => raw.once('connect', () => r()));
  const port = raw.localPort;
  raw.write(LOCAL);
  await new Promise((r) => setTimeout(r, 100)); // the header alone first, as a health check would
  const secured = await new Promise<boolean>((resolve) => {
    const t = tls.connect({ socket: raw, servername: 'example.test', ca: [readRoot()] });
    // A request answered: the server has the handshake complete too (TLS 1.3 ends on its side later).
    t.once('secureConnect', () =>
      t.write('GET / HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n'),
    );
    t.once('data', () => {
      t.destroy();
      resolve(true);
    });
    t.once('error', () => resolve(false));
  });
  assert.ok(secured, 'the TLS handshake after a LOCAL header completes');
  // Logged at close with the socket's own peer (no client named by the header).
  const e = await a.waitFor((e) => e['event'] === 'handshake' && e['client'] === `127.0.0.1:${port}`);
  assert.equal(e['listener'], 'behind-lb');
});
