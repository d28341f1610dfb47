// Issue 13 items 3 and 4 against a real `tlsterm serve`: every request goes to the site of its Host
// / :authority, on a connection made (by SNI) for a site whose certificate covers both names. Another
// site is served only when both negotiate and authenticate alike (coalescing), else 421; an mTLS
// site never on a connection without its client certificate. And Upgrade is allowlisted per site.
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run, sClientAsync } from '../helpers/run.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

interface Seen {
  readonly site: string;
  readonly host: string | undefined;
  readonly xff: string | undefined;
  readonly verify: string | undefined;
  readonly upgrade: string | undefined;
}

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let clients: Pki;
let serve: ServeProcess;
const servers: net.Server[] = [];
/** Every request each upstream received, inside tunnels included. */
const seen: Seen[] = [];
const upgrades: string[] = [];

/** An upstream that names itself, records what it got, and switches protocols when asked. */
const upstream = async (site: string): Promise<number> => {
  const server = http.createServer((req, res) => {
    seen.push({
      site,
      host: req.headers.host,
      xff: req.headers['x-forwarded-for'] as string | undefined,
      verify: req.headers['x-client-verify'] as string | undefined,
      upgrade: req.headers.upgrade,
    });
    res.setHeader('content-type', 'text/plain');
    res.end(`site=${site}\n`);
  });
  // As an h2c- or WebSocket-capable app would: 101, then whatever follows is the new protocol. Here
  // the "new protocol" is read as HTTP/1.1 requests, to see what a client could send inside.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    upgrades.push(`${site}:${req.headers.upgrade}`);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade}\r\n\r\n`,
    );
    socket.on('data', (d: Buffer) => {
      const xff = /x-forwarded-for: ([^\r\n]*)/i.exec(d.toString('latin1'))?.[1];
      seen.push({ site: `${site}-tunnel`, host: undefined, xff, verify: undefined, upgrade: undefined });
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\ntunnel\n');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
};

before(async () => {
  tmp = makeTempDir('host-routing');
  pki = await makePki(path.join(tmp.dir, 'front'));
  clients = await makePki(path.join(tmp.dir, 'clients'), 'clients');
  // One certificate for every name: the case where a browser may coalesce.
  const shared = await pki.issue(['a.test', 'b.test', 'admin.test', 'opt.test', 'ws.test', 'c.test'], {
    name: 'shared',
  });
  const cert = `certificates: [{ cert: ${shared.fullchainPath}, key: ${shared.keyPath} }]`;
  const [pa, pb, padmin, popt, pws, pc] = await Promise.all(
    ['a', 'b', 'admin', 'opt', 'ws', 'c'].map((s) => upstream(s)),
  );
  serve = await startServe(
    tmp.dir,
    `extra_ca: [${pki.rootPath}, ${clients.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [a.test]
        default: true
        ${cert}
        upstream: http://127.0.0.1:${pa}
      - hosts: [b.test]
        ${cert}
        upstream: http://127.0.0.1:${pb}
      - hosts: [admin.test]
        ${cert}
        client_auth: { mode: required, ca: ${clients.rootPath} }
        upstream: http://127.0.0.1:${padmin}
      - hosts: [opt.test]
        ${cert}
        client_auth: { mode: optional, ca: ${clients.rootPath} }
        upstream: http://127.0.0.1:${popt}
      - hosts: [ws.test]
        ${cert}
        upgrade: []
        upstream: http://127.0.0.1:${pws}
      - hosts: [c.test]
        ${cert}
        tls: { min_version: TLS1.3 }
        upstream: http://127.0.0.1:${pc}
`,
    ['--workers', '1'],
  );
});

after(async () => {
  await serve?.stop();
  for (const s of servers) s.close();
  tmp?.cleanup();
});

/** Raw HTTP/1.1 over TLS with the given SNI (none for undefined); resolves with all the bytes read. */
const exchange = (servername: string | undefined, bytes: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port: serve.port,
      ca: pki.rootPem,
      ALPNProtocols: ['http/1.1'],
      ...(servername !== undefined ? { servername } : { checkServerIdentity: () => undefined }),
    });
    let out = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close within 8 s; read: ${out}`));
    }, 8000);
    s.on('secureConnect', () => s.write(bytes));
    s.on('data', (d: Buffer) => {
      out += d.toString('latin1');
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });

const get = (host: string, close = true) =>
  `GET / HTTP/1.1\r\nHost: ${host}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;

const statuses = (raw: string): number[] => [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

const curl = (sni: string, args: readonly string[]) =>
  run('curl', [
    '-sS',
    '--max-time',
    '8',
    '--cacert',
    pki.rootPath,
    '--resolve',
    `${sni}:${serve.port}:127.0.0.1`,
    ...args,
    `https://${sni}:${serve.port}/`,
  ]);

const requestLine = (pred: (e: Record<string, unknown>) => boolean) =>
  serve.waitFor((e) => e['event'] === 'access' && pred(e), 5000);

describe('a request for another site than the SNI', () => {
  test('SNI a.test + Host admin.test (an mTLS site): 421 over openssl s_client, admin never reached', async () => {
    const before = seen.length;
    const r = await sClientAsync(
      serve.port,
      ['-servername', 'a.test', '-CAfile', pki.rootPath, '-alpn', 'http/1.1', '-quiet', '-ign_eof'],
      get('admin.test'),
    );
    assert.match(r.stdout, /^HTTP\/1\.1 421 Misdirected Request\r\n/);
    const line = await requestLine((e) => e['status'] === 421 && e['sni'] === 'a.test');
    assert.match(String(line['reason']), /admin\.test.*client-certificate/);
    assert.equal(line['upstream'], 'none');
    assert.equal(
      seen.slice(before).some((s) => s.site === 'admin'),
      false,
    );
  });

  test('the same with curl --resolve and -H "Host: admin.test"', async () => {
    const r = await curl('a.test', ['-H', 'Host: admin.test', '-o', '/dev/null', '-w', '%{http_code}']);
    assert.equal(r.stdout, '421');
    assert.equal(
      seen.some((s) => s.site === 'admin'),
      false,
    );
  });

  test('a name of no site on a connection for a site that is not the default: 421', async () => {
    const r = await curl('b.test', ['-H', 'Host: nowhere.test', '-o', '/dev/null', '-w', '%{http_code}']);
    assert.equal(r.stdout, '421');
  });

  test('coalescing: the certificate covers b.test and both sites are alike, so b.test answers', async () => {
    const r = await curl('a.test', ['-H', 'Host: b.test:443']);
    assert.equal(r.stdout, 'site=b\n');
    await requestLine((e) => e['status'] === 200 && e['sni'] === 'a.test' && e['upstream'] !== 'none');
  });

  test('one keep-alive connection: each request reaches its own site, the misdirected one gets 421', async () => {
    const mark = seen.length;
    const raw = await exchange(
      'a.test',
      get('a.test', false) + get('B.TEST', false) + get('admin.test', false) + get('a.test:443'),
    );
    assert.deepEqual(statuses(raw), [200, 200, 421, 200]);
    assert.deepEqual(
      [...raw.matchAll(/site=(\w+)/g)].map((m) => m[1]),
      ['a', 'b', 'a'],
    );
    assert.deepEqual(
      seen.slice(mark).map((s) => s.site),
      ['a', 'b', 'a'],
    );
  });

  test('a misdirected request with a body: 421 at once, the connection closed, nothing forwarded', async () => {
    const mark = seen.length;
    // Expect: 100-continue and no body sent: the answer must not wait for it.
    const raw = await exchange(
      'a.test',
      'POST /upload HTTP/1.1\r\nHost: admin.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n',
    );
    assert.deepEqual(statuses(raw), [421]);
    assert.match(raw, /connection: close/i);
    assert.equal(seen.length, mark);
  });

  test('an absolute-form target names the host, not the Host field', async () => {
    const raw = await exchange(
      'a.test',
      'GET https://admin.test/ HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n',
    );
    assert.deepEqual(statuses(raw), [421]);
  });

  test('the certificate covers opt.test but its client_auth differs: 421', async () => {
    const raw = await exchange('a.test', get('opt.test'));
    assert.deepEqual(statuses(raw), [421]);
  });

  test('the certificate covers c.test but its TLS policy differs: 421', async () => {
    const raw = await exchange('a.test', get('c.test'));
    assert.deepEqual(statuses(raw), [421]);
  });

  test('and an mTLS connection does not serve another site either', async () => {
    const client = await clients.issue(['client.test'], { name: 'client' });
    const r = await run('curl', [
      '-sS',
      '--max-time',
      '8',
      '--cacert',
      pki.rootPath,
      '--cert',
      client.fullchainPath,
      '--key',
      client.keyPath,
      '--resolve',
      `admin.test:${serve.port}:127.0.0.1`,
      '-H',
      'Host: a.test',
      '-w',
      '%{http_code}',
      '-o',
      '/dev/null',
      `https://admin.test:${serve.port}/`,
    ]);
    assert.equal(r.stdout, '421');
  });

  test('a client without SNI (an IP address) is served by the default site, IPv6-style hosts too', async () => {
    const raw = await exchange(undefined, get('127.0.0.1:8443', false) + get('[::1]:8443'));
    assert.deepEqual(statuses(raw), [200, 200]);
    assert.deepEqual(
      [...raw.matchAll(/site=(\w+)/g)].map((m) => m[1]),
      ['a', 'a'],
    );
  });
});

describe('h2: the stream :authority decides', () => {
  const h2get = (session: http2.ClientHttp2Session, authority: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = session.request({ ':path': '/', ':authority': authority });
      let body = '';
      let status = 0;
      req.on('response', (h) => {
        status = Number(h[':status']);
      });
      req.setEncoding('utf8');
      req.on('data', (d: string) => {
        body += d;
      });
      req.on('end', () => resolve({ status, body }));
      req.on('error', reject);
    });

  test('SNI a.test: :authority b.test is b, admin.test is 421, all on one connection', async () => {
    const session = http2.connect(`https://127.0.0.1:${serve.port}`, {
      servername: 'a.test',
      ca: pki.rootPem,
    });
    try {
      assert.deepEqual(await h2get(session, 'a.test'), { status: 200, body: 'site=a\n' });
      assert.deepEqual(await h2get(session, `b.test:${serve.port}`), { status: 200, body: 'site=b\n' });
      const misdirected = await h2get(session, 'admin.test');
      assert.equal(misdirected.status, 421);
      const line = await requestLine((e) => e['status'] === 421 && e['proto'] === 'h2');
      assert.match(String(line['reason']), /admin\.test/);
    } finally {
      session.close();
    }
  });
});

describe('Upgrade allowlist', () => {
  const upgrade = (host: string, protocol: string, extra = '') =>
    `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade${protocol === 'h2c' ? ', HTTP2-Settings' : ''}\r\n` +
    `Upgrade: ${protocol}\r\n${extra}\r\n`;
  const ws = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

  test('h2c is refused: forwarded without Upgrade, a forged X-Forwarded-For sent after it never reaches the app', async () => {
    const mark = seen.length;
    const inside =
      'GET /inside HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: close\r\n\r\n';
    const raw = await exchange(
      'a.test',
      upgrade('a.test', 'h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n') + inside,
    );
    assert.deepEqual(statuses(raw), [200, 200]);
    assert.equal(upgrades.includes('a:h2c'), false);
    const got = seen.slice(mark);
    assert.equal(got.length, 2);
    for (const s of got) {
      assert.equal(s.site, 'a');
      assert.equal(s.upgrade, undefined);
      assert.doesNotMatch(s.xff ?? '', /6\.6\.6\.6/);
    }
    const line = await requestLine((e) => e['upgrade_refused'] === 'h2c');
    assert.equal(line['status'], 200);
  });

  test('websocket is allowed by default: 101, logged with "upgrade":"websocket"', async () => {
    const raw = await exchange('a.test', upgrade('a.test', 'websocket', ws) + 'ping');
    assert.match(raw, /^HTTP\/1\.1 101 /);
    assert.ok(upgrades.includes('a:websocket'));
    const line = await requestLine((e) => e['status'] === 101);
    assert.equal(line['upgrade'], 'websocket');
  });

  test('upgrade: [] refuses websocket: the app gets a plain GET, the client no 101', async () => {
    const request = upgrade('ws.test', 'websocket', ws).replace(
      'Connection: Upgrade',
      'Connection: Upgrade, close',
    );
    const raw = await exchange('ws.test', request);
    assert.deepEqual(statuses(raw), [200]);
    assert.match(raw, /site=ws/);
    assert.equal(upgrades.includes('ws:websocket'), false);
    await requestLine((e) => e['upgrade_refused'] === 'websocket');
  });
});
