// Seed 000 §4's three patterns side by side on one listener, chosen per site by SNI:
// edge termination (http://), re-encryption (https:// with its own internal CA), passthrough
// (tcp://, PROXY v2 to an nginx that does its own mTLS), TLS-to-TCP, and mTLS at the terminator.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { hasNginx as nginxInstalled, type RunningNginx, startNginx } from '../helpers/nginx.ts';
import { type ChainFiles, makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run, sClientAsync } from '../helpers/run.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

const hasNginx = nginxInstalled();

let tmp: { dir: string; cleanup(): void };
let front: Pki; // tlsterm's own certificates
let internal: Pki; // the re-encryption upstream's internal CA
let clients: Pki; // the CA client certificates come from
let stranger: Pki; // a CA nobody trusts
let clientCert: ChainFiles;
let directClient: ChainFiles; // issued by the clients root itself: s_client sends only the leaf
let expiredClient: ChainFiles;
let strangerClient: ChainFiles;
let lbClient: ChainFiles;
let serve: ServeProcess;
let nginx: RunningNginx | undefined;
const servers: net.Server[] = [];
const v1Seen: Buffer[] = [];
let deadPort = 0;

const listen = async (server: net.Server): Promise<number> => {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
};

/** Echo of what the app received, as JSON. */
const echoApp = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  extra: Record<string, unknown> = {},
) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ url: req.url, headers: req.headers, ...extra }));
};

before(async () => {
  tmp = makeTempDir('patterns');
  front = await makePki(path.join(tmp.dir, 'front'));
  internal = await makePki(path.join(tmp.dir, 'internal'), 'internal');
  clients = await makePki(path.join(tmp.dir, 'clients'), 'clients');
  stranger = await makePki(path.join(tmp.dir, 'stranger'), 'stranger');
  clientCert = await clients.issue(['client.test'], { name: 'client' });
  directClient = await clients.issue(['direct.client.test'], { name: 'direct-client', byRoot: true });
  expiredClient = await clients.issue(['client.test'], {
    name: 'expired-client',
    notBefore: new Date(Date.now() - 30 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  strangerClient = await stranger.issue(['client.test'], { name: 'stranger-client' });
  lbClient = await internal.issue(['lb.internal'], { name: 'lb-client' });
  const appCert = await internal.issue(['app.internal'], { name: 'app' });

  const httpPort = await listen(http.createServer((req, res) => echoApp(req, res)));

  // The re-encryption upstream: its own CA, asks tlsterm for a client certificate, closes every
  // connection so that tlsterm has to reconnect (and can resume).
  const httpsPort = await listen(
    https.createServer(
      {
        cert: appCert.fullchainPem,
        key: appCert.keyPem,
        requestCert: true,
        rejectUnauthorized: false,
        ca: internal.rootPem,
      },
      (req, res) => {
        const s = req.socket as tls.TLSSocket;
        res.setHeader('connection', 'close');
        echoApp(req, res, {
          servername: (s as unknown as { servername?: string }).servername ?? null,
          client_subject: s.getPeerX509Certificate()?.subject ?? null,
          client_authorized: s.authorized,
          resumed: s.isSessionReused(),
        });
      },
    ),
  );

  // TLS-to-TCP: echo, and on the client's half-close answer "bye" before closing our side.
  const echoPort = await listen(
    net.createServer({ allowHalfOpen: true }, (s) => {
      s.on('data', (d) => s.write(`echo:${d.toString()}`));
      s.on('end', () => s.end('bye'));
    }),
  );

  // Passthrough with PROXY v1: record what arrives first.
  const v1Port = await listen(
    net.createServer((s) => {
      let seen = Buffer.alloc(0);
      s.on('data', (d) => {
        seen = Buffer.concat([seen, d]);
        const eol = seen.indexOf('\r\n');
        if (eol >= 0 && seen.length > eol + 2) {
          v1Seen.push(seen);
          s.destroy();
        }
      });
    }),
  );

  const dead = net.createServer();
  deadPort = await listen(dead);
  await new Promise<void>((r) => dead.close(() => r()));

  // Passthrough upstream: nginx terminating TLS itself, with mTLS and PROXY protocol (v2 from us).
  let passPort = 1;
  if (hasNginx) {
    nginx = await startNginx(
      path.join(tmp.dir, 'nginx'),
      (port) => `  access_log off;
  server {
    listen 127.0.0.1:${port} ssl proxy_protocol;
    ssl_certificate ${front.chains.ec.fullchainPath};
    ssl_certificate_key ${front.chains.ec.keyPath};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_verify_client on;
    ssl_client_certificate ${clients.rootPath};
    location / { return 200 "backend=nginx addr=$proxy_protocol_addr port=$proxy_protocol_port dn=$ssl_client_s_dn\\n"; }
  }`,
      { workerConnections: 64 },
    );
    passPort = nginx.port;
  }

  const cert = `certificates: [{ cert: ${front.chains.ec.fullchainPath}, key: ${front.chains.ec.keyPath} }]`;
  serve = await startServe(
    tmp.dir,
    `extra_ca: [${front.rootPath}, ${internal.rootPath}, ${clients.rootPath}]
listeners:
  - name: patterns
    address: 127.0.0.1:0
    sites:
      - hosts: [edge.example.test]
        default: true
        ${cert}
        upstream: http://127.0.0.1:${httpPort}
      - hosts: [secure.example.test]
        ${cert}
        upstream: { url: "https://127.0.0.1:${httpsPort}", ca: ${internal.rootPath}, servername: app.internal,
                    client_cert: { cert: ${lbClient.fullchainPath}, key: ${lbClient.keyPath} } }
      - hosts: [wrongca.example.test]
        ${cert}
        upstream: { url: "https://127.0.0.1:${httpsPort}", ca: ${front.rootPath}, servername: app.internal }
      - hosts: [wrongname.example.test]
        ${cert}
        upstream: { url: "https://127.0.0.1:${httpsPort}", ca: ${internal.rootPath}, servername: db.internal }
      - hosts: [pass.example.test, "*.pass.example.test"]
        mode: passthrough
        upstream: { url: "tcp://127.0.0.1:${passPort}", proxy_protocol: v2 }
      - hosts: [v1.example.test]
        mode: passthrough
        upstream: { url: "tcp://127.0.0.1:${v1Port}", proxy_protocol: v1 }
      - hosts: [gone.example.test]
        mode: passthrough
        upstream: tcp://127.0.0.1:${deadPort}
      - hosts: [db.example.test]
        ${cert}
        upstream: tcp://127.0.0.1:${echoPort}
      - hosts: [idle.example.test]
        ${cert}
        upstream: { url: "tcp://127.0.0.1:${echoPort}", idle_timeout: 300ms }
      - hosts: [admin.example.test]
        ${cert}
        client_auth: { mode: required, ca: ${clients.rootPath} }
        upstream: http://127.0.0.1:${httpPort}
      - hosts: [opt.example.test]
        ${cert}
        client_auth: { mode: optional, ca: ${clients.rootPath}, forward_pem: true }
        upstream: http://127.0.0.1:${httpPort}
`,
    // One worker: the upstream TLS session cache is per process (as nginx's is per worker), and
    // the re-encryption test resumes toward the upstream on a second connection.
    ['--workers', '1'],
  );
});

after(async () => {
  await serve?.stop();
  await nginx?.stop();
  for (const s of servers) s.close();
  tmp?.cleanup();
});

const curl = (host: string, args: readonly string[] = [], urlPath = '/') =>
  run('curl', [
    '-sS',
    '--max-time',
    '8',
    '--cacert',
    front.rootPath,
    '--resolve',
    `${host}:${serve.port}:127.0.0.1`,
    ...args,
    `https://${host}:${serve.port}${urlPath}`,
  ]);

const json = (text: string): Record<string, unknown> & { headers: Record<string, string> } => {
  try {
    return JSON.parse(text) as Record<string, unknown> & { headers: Record<string, string> };
  } catch {
    throw new Error(`not JSON: ${text.slice(0, 500)}`);
  }
};

const eventFor = (sni: string, event: string, extra: (e: Record<string, unknown>) => boolean = () => true) =>
  serve.waitFor((e) => e['event'] === event && e['sni'] === sni && extra(e), 8000);

describe('edge termination', () => {
  test('reaches the HTTP app; client-certificate headers from the client are removed', async () => {
    const r = await curl('edge.example.test', [
      '-H',
      'X-Forwarded-Client-Cert: Hash=forged',
      '-H',
      'X-Client-Verify: SUCCESS',
    ]);
    const seen = json(r.stdout);
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-client-cert'], undefined);
    assert.equal(seen.headers['x-client-verify'], undefined);
  });
});

describe('re-encryption', () => {
  test('verifies the internal CA, sends the configured SNI and client certificate, resumes on reconnect', async () => {
    const first = json((await curl('secure.example.test')).stdout);
    assert.equal(first['servername'], 'app.internal');
    assert.match(String(first['client_subject']), /CN=lb\.internal/);
    assert.equal(first['client_authorized'], true);
    assert.equal(first.headers['x-forwarded-proto'], 'https');
    // The app closed the first connection: the second one is new, and resumes the session.
    const second = json((await curl('secure.example.test')).stdout);
    assert.equal(second['resumed'], true);
  });

  test('an upstream signed by another CA is a 502 whose log line says the CA is unknown', async () => {
    const r = await curl('wrongca.example.test', ['-o', '/dev/null', '-w', '%{http_code}']);
    assert.equal(r.stdout, '502');
    const e = await serve.waitFor(
      (x) => x['event'] === 'upstream_error' && String(x['detail'] ?? '').includes('not trusted'),
      8000,
    );
    assert.match(
      String(e['detail']),
      /certificate not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
    );
  });

  test('an upstream certificate without the configured name is a 502 naming the mismatch', async () => {
    const r = await curl('wrongname.example.test', ['-o', '/dev/null', '-w', '%{http_code}']);
    assert.equal(r.stdout, '502');
    const e = await serve.waitFor(
      (x) => x['event'] === 'upstream_error' && String(x['detail'] ?? '').includes('name mismatch'),
      8000,
    );
    assert.match(String(e['detail']), /does not name "db\.internal"/);
  });
});

describe('passthrough', { skip: hasNginx ? false : 'nginx is not installed' }, () => {
  test('the upstream terminates TLS itself: it sees the client certificate and, via PROXY v2, the client address', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port: serve.port,
        servername: 'pass.example.test',
        ca: front.rootPem,
        cert: clientCert.fullchainPem,
        key: clientCert.keyPem,
      });
      let out = '';
      s.on('secureConnect', () =>
        s.write('GET / HTTP/1.1\r\nHost: pass.example.test\r\nConnection: close\r\n\r\n'),
      );
      s.on('data', (d) => {
        out += d.toString();
      });
      s.on('end', () => resolve(out));
      s.on('error', reject);
      s.on('secureConnect', () => {
        // Who we talk to is nginx: the session was negotiated with it, not with tlsterm.
        assert.equal(s.authorized, true);
      });
      (s as net.Socket).once('connect', () => {
        const local = s.address() as net.AddressInfo;
        out += `#localport=${local.port}\n`;
      });
    });
    const localPort = /#localport=(\d+)/.exec(body)?.[1];
    assert.match(body, /backend=nginx addr=127\.0\.0\.1 /);
    assert.match(body, new RegExp(`port=${localPort} `));
    assert.match(body, /dn=CN=client\.test/);
    const e = await eventFor('pass.example.test', 'handshake');
    assert.equal(e['mode'], 'passthrough');
    assert.equal(e['version'], 'TLS1.3');
    assert.match(String((e['cipher'] as { iana: string }).iana), /^TLS_/);
    assert.ok(Number(e['bytes_out']) > 500);
  });

  test('a wildcard name routes too, and openssl s_client shows nginx doing mTLS', async () => {
    const r = await sClientAsync(serve.port, [
      '-servername',
      'x.pass.example.test',
      '-CAfile',
      front.rootPath,
    ]);
    // nginx asks for a client certificate: tlsterm did not terminate this connection.
    assert.match(r.all, /Acceptable client certificate CA names[\s\S]*CN ?= ?tlsterm test clients root/i);
  });

  test('PROXY v1 precedes the replayed ClientHello', async () => {
    await run('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${serve.port}`,
      '-servername',
      'v1.example.test',
    ]);
    const first = v1Seen[0];
    assert.ok(first, 'the v1 upstream got a connection');
    const text = first.toString('latin1');
    assert.match(text, /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\n/);
    const after = first.subarray(text.indexOf('\r\n') + 2);
    assert.equal(after[0], 0x16, 'TLS handshake record follows');
  });

  test('a dead upstream: the client gets an internal_error alert, the log says upstream_unreachable', async () => {
    const r = await sClientAsync(serve.port, ['-servername', 'gone.example.test']);
    assert.match(r.all, /alert internal error/);
    const e = await serve.waitFor(
      (x) => x['event'] === 'handshake_failed' && x['sni'] === 'gone.example.test',
      8000,
    );
    assert.equal(e['reason'], 'upstream_unreachable');
    assert.match(String(e['detail']), /ECONNREFUSED/);
  });
});

describe('TLS to TCP', () => {
  test('decrypted bytes reach a plain TCP app; a half-close passes through and the reply still arrives', async () => {
    const got = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port: serve.port,
        servername: 'db.example.test',
        ca: front.rootPem,
      });
      let out = '';
      s.on('secureConnect', () => {
        s.write('hello');
        setTimeout(() => s.end(), 100);
      });
      s.on('data', (d) => {
        out += d.toString();
      });
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    assert.equal(got, 'echo:hellobye');
    const e = await eventFor('db.example.test', 'handshake');
    assert.equal(e['alpn'], null);
  });
});

test('TLS to TCP: a relay where nothing moves for idle_timeout is closed', async () => {
  const closed = await new Promise<string>((resolve) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port: serve.port,
      servername: 'idle.example.test',
      ca: front.rootPem,
    });
    const timer = setTimeout(() => resolve('still open after 5 s'), 5000);
    s.on('secureConnect', () => s.write('ping'));
    s.resume(); // read, so the server's close is seen
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
  assert.equal(closed, 'closed');
});

describe('mutual TLS at the terminator', () => {
  test('required: a valid client certificate reaches the app as x-forwarded-client-cert', async () => {
    const r = await curl('admin.example.test', [
      '--cert',
      clientCert.fullchainPath,
      '--key',
      clientCert.keyPath,
      '-H',
      'X-Forwarded-Client-Cert: Hash=forged',
    ]);
    const seen = json(r.stdout);
    assert.equal(seen.headers['x-client-verify'], 'SUCCESS');
    const xfcc = seen.headers['x-forwarded-client-cert'] ?? '';
    assert.match(xfcc, /^Hash=[0-9a-f]{64};Subject="CN=client\.test";DNS=client\.test$/);
    assert.doesNotMatch(xfcc, /forged/);
  });

  test('required, openssl s_client -cert/-key: verified', async () => {
    const r = await sClientAsync(
      serve.port,
      [
        '-ign_eof',
        '-servername',
        'admin.example.test',
        '-CAfile',
        front.rootPath,
        // s_client sends only the first certificate of -cert: use one the CA signed directly.
        '-cert',
        directClient.certPath,
        '-key',
        directClient.keyPath,
      ],
      'GET / HTTP/1.1\r\nHost: admin.example.test\r\nConnection: close\r\n\r\n',
    );
    assert.match(r.all, /Verify return code: 0 \(ok\)/);
    assert.match(r.all, /"x-client-verify":"SUCCESS"/);
    assert.match(r.all, /Subject=\\"CN=direct\.client\.test\\"/);
  });

  test('required, no certificate: the handshake fails with client_certificate_required', async () => {
    const r = await sClientAsync(
      serve.port,
      ['-ign_eof', '-servername', 'admin.example.test', '-CAfile', front.rootPath, '-tls1_3'],
      'GET / HTTP/1.0\r\n\r\n',
    );
    assert.match(r.all, /alert certificate required/);
    const e = await eventFor(
      'admin.example.test',
      'handshake_failed',
      (x) => x['reason'] === 'client_certificate_required',
    );
    assert.match(String(e['detail']), /requires a client certificate/);
  });

  test('required, expired or untrusted certificate: classified in the log', async () => {
    await curl('admin.example.test', ['--cert', expiredClient.fullchainPath, '--key', expiredClient.keyPath]);
    const expired = await eventFor(
      'admin.example.test',
      'handshake_failed',
      (x) => x['reason'] === 'client_certificate_expired',
    );
    assert.match(String(expired['detail']), /CERT_HAS_EXPIRED/);
    const r = await curl('admin.example.test', [
      '--cert',
      strangerClient.fullchainPath,
      '--key',
      strangerClient.keyPath,
    ]);
    assert.notEqual(r.code, 0, 'curl must not get a response');
    const untrusted = await eventFor(
      'admin.example.test',
      'handshake_failed',
      (x) => x['reason'] === 'client_certificate_untrusted',
    );
    assert.match(String(untrusted['detail']), /not signed by a CA in client_auth\.ca/);
  });

  test('optional: no certificate is NONE, an untrusted one is FAILED, a good one carries its PEM', async () => {
    const none = json((await curl('opt.example.test')).stdout);
    assert.equal(none.headers['x-client-verify'], 'NONE');
    assert.equal(none.headers['x-forwarded-client-cert'], undefined);
    const bad = json(
      (
        await curl('opt.example.test', [
          '--cert',
          strangerClient.fullchainPath,
          '--key',
          strangerClient.keyPath,
        ])
      ).stdout,
    );
    assert.match(bad.headers['x-client-verify'] ?? '', /^FAILED:UNABLE_TO_GET_ISSUER_CERT/);
    assert.equal(bad.headers['x-forwarded-client-cert'], undefined);
    const good = json(
      (await curl('opt.example.test', ['--cert', clientCert.fullchainPath, '--key', clientCert.keyPath]))
        .stdout,
    );
    const pem = /Cert="([^"]+)"/.exec(good.headers['x-forwarded-client-cert'] ?? '')?.[1] ?? '';
    assert.equal(decodeURIComponent(pem).trim(), clientCert.certPem.trim());
    const e = await eventFor('opt.example.test', 'handshake', (x) => x['client_certificate'] != null);
    assert.match(String((e['client_certificate'] as { subject: string }).subject), /CN=client\.test/);
  });
});
