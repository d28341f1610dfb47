// `tlsterm serve` against real clients: SNI routing, RSA vs ECDSA, strict SNI, the inspect handler,
// post-quantum hybrid group, and each handshake failure class with its logged reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { configHead, type ServeProcess, sClient, startServe } from './serve-harness.ts';

let serve: ServeProcess;
let strict: ServeProcess;
let tmp: { dir: string; cleanup: () => void };
let rootPem: string;
let rootPath: string;

before(async () => {
  tmp = makeTempDir('tlsterm-serve');
  const pki = await makePki(tmp.dir);
  rootPem = pki.rootPem;
  rootPath = pki.rootPath;
  const other = await pki.issue(['other.test'], { keyType: 'ec' });
  const site = (hosts: string, extra = '') => `
      - hosts: ${hosts}
        handler: inspect${extra}
        certificates:
          - { cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }
          - { cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} }`;
  serve = await startServe(
    tmp.dir,
    `${configHead(tmp.dir, rootPath)}  - name: public
    address: 127.0.0.1:0
    tls: { profile: intermediate }
    handshake_timeout: 1s
    sites:${site('[example.test, "*.example.test"]', '\n        default: true')}
      - hosts: [other.test]
        handler: inspect
        certificates: [{ cert: ${other.fullchainPath}, key: ${other.keyPath} }]
`,
  );
  const strictDir = makeTempDir('tlsterm-strict');
  strict = await startServe(
    strictDir.dir,
    `state_dir: ${tmp.dir}/state2
extra_ca: [${rootPath}]
listeners:
  - name: strict
    address: 127.0.0.1:0
    tls: { profile: modern }
    strict_sni: true
    sites:${site('[example.test]')}
`,
  );
});

after(async () => {
  await serve?.stop();
  await strict?.stop();
  tmp?.cleanup();
});

const connect = (port: number, opts: tls.ConnectionOptions) =>
  new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: rootPem, ...opts }, () => resolve(s));
    s.on('error', reject);
  });

test('certificate is chosen by SNI, exact and wildcard', () => {
  const exact = sClient(serve.port, [
    '-servername',
    'other.test',
    '-CAfile',
    rootPath,
    '-verify_return_error',
  ]);
  assert.match(exact, /subject=.*other\.test/);
  assert.match(exact, /Verify return code: 0/);
  const wild = sClient(serve.port, [
    '-servername',
    'a.example.test',
    '-CAfile',
    rootPath,
    '-verify_return_error',
  ]);
  assert.match(wild, /Verify return code: 0/);
});

test('ECDSA certificate for clients that support it, RSA for RSA-only TLS 1.2 clients', async () => {
  const ec = sClient(serve.port, ['-servername', 'example.test', '-tls1_2']);
  assert.match(ec, /Cipher is ECDHE-ECDSA-/);
  const rsa = sClient(serve.port, [
    '-servername',
    'example.test',
    '-tls1_2',
    '-cipher',
    'ECDHE-RSA-AES128-GCM-SHA256',
  ]);
  assert.match(rsa, /Cipher is ECDHE-RSA-AES128-GCM-SHA256/);
  const ecEvent = await serve.waitFor(
    (e) => (e['cipher'] as { openssl?: string } | undefined)?.openssl?.startsWith('ECDHE-ECDSA') === true,
  );
  assert.match(String(ecEvent['signature_algorithm']), /^ecdsa_/);
  const rsaEvent = await serve.waitFor(
    (e) => (e['cipher'] as { openssl?: string } | undefined)?.openssl === 'ECDHE-RSA-AES128-GCM-SHA256',
  );
  assert.match(String(rsaEvent['signature_algorithm']), /^rsa_/);
});

test('TLS 1.3 suite and group chosen with -ciphersuites and -groups; the log agrees', async () => {
  const out = sClient(serve.port, [
    '-servername',
    'example.test',
    '-tls1_3',
    '-ciphersuites',
    'TLS_CHACHA20_POLY1305_SHA256',
    '-groups',
    'P-384',
  ]);
  assert.match(out, /TLS_CHACHA20_POLY1305_SHA256/);
  const event = await serve.waitFor(
    (e) =>
      e['event'] === 'handshake' && (e['cipher'] as { iana: string }).iana === 'TLS_CHACHA20_POLY1305_SHA256',
  );
  assert.equal(event['version'], 'TLS1.3');
  assert.equal(event['group'], 'P-384');
  assert.equal(event['sni'], 'example.test');
  assert.match(String(event['ja4']), /^t13d/);
});

test('Node client negotiates the post-quantum hybrid group and inspect reports it', async () => {
  const s = await connect(serve.port, { servername: 'example.test', ALPNProtocols: ['http/1.1'] });
  assert.equal((s.getEphemeralKeyInfo() as tls.EphemeralKeyInfo | null)?.name, 'X25519MLKEM768');
  s.write('GET / HTTP/1.1\r\nHost: example.test\r\nAccept: application/json\r\nConnection: close\r\n\r\n');
  let body = '';
  for await (const chunk of s) body += chunk;
  const json = JSON.parse(body.slice(body.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
  assert.equal(json['group'], 'X25519MLKEM768');
  assert.equal(json['alpn'], 'http/1.1');
  assert.equal(json['version'], 'TLS1.3');
  assert.ok((json['offered'] as { groups: string[] }).groups.includes('X25519MLKEM768'));
});

test('group derivation matches what the client saw when a HelloRetryRequest is needed', async () => {
  // The client's only key share is P-521, which we do not allow: the server asks again for X25519.
  const s = await connect(serve.port, { servername: 'example.test', ecdhCurve: 'P-521:X25519' });
  const seen = (s.getEphemeralKeyInfo() as tls.EphemeralKeyInfo | null)?.name;
  s.end();
  const event = await serve.waitFor((e) => e['event'] === 'handshake' && e['hello_retry'] === true);
  assert.equal(seen, 'X25519');
  assert.equal(event['group'], 'X25519');
});

test('curl over HTTP/2 gets the inspect page', () => {
  const r = spawnSync(
    'curl',
    [
      '-s',
      '--http2',
      '--cacert',
      rootPath,
      '--resolve',
      `example.test:${serve.port}:127.0.0.1`,
      `https://example.test:${serve.port}/`,
    ],
    { encoding: 'utf8', timeout: 8000 },
  );
  assert.match(r.stdout, /Your TLS connection/);
  assert.match(r.stdout, />ALPN(<\/a>)?<\/th><td>h2<\/td>/);
});

const failure = (p: ServeProcess, reason: string) =>
  p.waitFor((e) => e['event'] === 'handshake_failed' && e['reason'] === reason);

test('no_common_version: a TLS 1.2 client against a TLS 1.3-only listener', async () => {
  sClient(strict.port, ['-servername', 'example.test', '-tls1_2']);
  const e = await failure(strict, 'no_common_version');
  assert.equal(e['detail'], 'client offered up to TLS1.2; this listener requires at least TLS1.3');
});

test('no_common_cipher: only a CBC suite offered', async () => {
  sClient(serve.port, ['-servername', 'example.test', '-tls1_2', '-cipher', 'AES128-SHA']);
  const e = await failure(serve, 'no_common_cipher');
  assert.match(String(e['detail']), /TLS_RSA_WITH_AES_128_CBC_SHA/);
});

test('no_common_group: only P-521 offered', async () => {
  sClient(serve.port, ['-servername', 'example.test', '-tls1_3', '-groups', 'P-521']);
  const e = await failure(serve, 'no_common_group');
  assert.match(String(e['detail']), /X25519/);
});

test('unknown_sni under strict_sni: the client sees unrecognized_name', async () => {
  const out = sClient(strict.port, ['-servername', 'nope.test']);
  assert.match(out, /unrecognized name|alert number 112/i);
  const e = await failure(strict, 'unknown_sni');
  assert.match(String(e['detail']), /nope\.test/);
});

test('client_rejected_certificate: a client that does not trust our CA', async () => {
  sClient(serve.port, ['-servername', 'example.test', '-verify_return_error']);
  const e = await failure(serve, 'client_rejected_certificate');
  assert.match(String(e['detail']), /unknown_ca/);
});

test('not_tls: plain HTTP on the TLS port gets a 400 that says so', async () => {
  const r = spawnSync('curl', ['-s', '-i', `http://127.0.0.1:${serve.port}/`], {
    encoding: 'utf8',
    timeout: 8000,
  });
  assert.match(r.stdout, /400 Bad Request/);
  assert.match(r.stdout, /This port speaks HTTPS/);
  await failure(serve, 'not_tls');
});

test('handshake_timeout and client_closed are told apart', async () => {
  const net = await import('node:net');
  const idle = net.connect(serve.port, '127.0.0.1');
  await serve.waitFor((e) => e['reason'] === 'handshake_timeout', 4000);
  idle.destroy();
  const early = net.connect(serve.port, '127.0.0.1', () => early.end(Buffer.from([0x16, 0x03, 0x01, 0x00])));
  await failure(serve, 'client_closed');
});
