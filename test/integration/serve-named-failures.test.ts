// Failures named for what they are: an ECDSA-only site met by a client offering only RSA signature
// algorithms is no_common_signature_algorithm (what the client offered, what the key signs), and a
// client certificate with the wrong key usage is client_certificate_rejected with the verify code
// in words, not "untrusted". Client certificates are made with openssl here, as users make them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { sClientAsync } from '../helpers/run.ts';
import { configHead, type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
const ca = { cert: '', key: '' };

const openssl = (args: readonly string[]): void => {
  execFileSync('openssl', args, { stdio: 'pipe', timeout: 10_000 });
};

/** A client certificate signed by the test client CA, with the given extensions. */
function clientCert(name: string, extensions: string): { cert: string; key: string } {
  const dir = path.join(tmp.dir, 'clients');
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, `${extensions}\n`);
  openssl(
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      key,
      '-out',
      csr,
      '-subj',
      `/CN=${name}`,
    ]),
  );
  openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2'].concat([
      '-out',
      cert,
      '-extfile',
      ext,
    ]),
  );
  return { cert, key };
}

before(async () => {
  tmp = makeTempDir('serve-named-failures');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  fs.mkdirSync(path.join(tmp.dir, 'clients'));
  ca.cert = path.join(tmp.dir, 'clients', 'ca.pem');
  ca.key = path.join(tmp.dir, 'clients', 'ca.key');
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'].concat([
      '-keyout',
      ca.key,
      '-out',
      ca.cert,
      '-subj',
      '/CN=Test Client CA',
    ]),
  );
  serve = await startServe(
    tmp.dir,
    `${configHead(tmp.dir, pki.rootPath)}  - address: 127.0.0.1:0
    sites:
      - hosts: [ecdsa.example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
      - hosts: [mtls.example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        client_auth: { mode: required, ca: ${ca.cert} }
        handler: inspect
`,
    ['--workers', '1'],
  );
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

const failureFor = (sni: string, reason: string) =>
  serve.waitFor((e) => e['event'] === 'handshake_failed' && e['sni'] === sni && e['reason'] === reason);

test('TLS 1.3, client offering only RSA signature algorithms to an ECDSA-only site', async () => {
  const r = await sClientAsync(serve.port, [
    '-servername',
    'ecdsa.example.test',
    '-tls1_3',
    '-sigalgs',
    'RSA-PSS+SHA256:rsa_pkcs1_sha256',
  ]);
  assert.match(r.all, /alert handshake failure/);
  const e = await failureFor('ecdsa.example.test', 'no_common_signature_algorithm');
  assert.equal(
    e['detail'],
    "no signature algorithm in common for TLS1.3: client offered rsa_pss_rsae_sha256, rsa_pkcs1_sha256; this site's key (ECDSA P-256) sign ecdsa_secp256r1_sha256",
  );
});

test('TLS 1.2, client offering only RSA signature algorithms to an ECDSA-only site', async () => {
  const before = serve.events.length;
  await sClientAsync(serve.port, ['-servername', 'ecdsa.example.test', '-tls1_2', '-sigalgs', 'RSA+SHA256']);
  const e = await serve.waitFor(
    (x) =>
      serve.events.indexOf(x) >= before &&
      x['event'] === 'handshake_failed' &&
      x['sni'] === 'ecdsa.example.test',
  );
  assert.equal(e['reason'], 'no_common_signature_algorithm');
  assert.match(
    String(e['detail']),
    /^no signature algorithm in common for TLS1\.2: client offered rsa_pkcs1_sha256; this site's key \(ECDSA P-256\) sign ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512$/,
  );
});

test('a client certificate without clientAuth in extendedKeyUsage is rejected for its purpose, not untrusted', async () => {
  const c = clientCert('server-only', 'extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature');
  await sClientAsync(
    serve.port,
    ['-servername', 'mtls.example.test', '-cert', c.cert, '-key', c.key],
    'GET / HTTP/1.0\r\n\r\n',
  );
  const e = await failureFor('mtls.example.test', 'client_certificate_rejected');
  assert.match(
    String(e['detail']),
    /key usage or extended key usage does not allow this use.*\(INVALID_PURPOSE\)$/,
  );
  assert.equal(serve.events.filter((x) => x['reason'] === 'client_certificate_untrusted').length, 0);
});

test('a client certificate whose keyUsage lacks digitalSignature (keyEncipherment only) is rejected for its purpose', async () => {
  const before = serve.events.length;
  const c = clientCert('no-digsig', 'extendedKeyUsage=clientAuth\nkeyUsage=keyEncipherment');
  await sClientAsync(
    serve.port,
    ['-servername', 'mtls.example.test', '-cert', c.cert, '-key', c.key],
    'GET / HTTP/1.0\r\n\r\n',
  );
  const e = await serve.waitFor(
    (x) =>
      serve.events.indexOf(x) >= before &&
      x['event'] === 'handshake_failed' &&
      x['sni'] === 'mtls.example.test',
  );
  assert.equal(e['reason'], 'client_certificate_rejected', JSON.stringify(e));
  assert.match(String(e['detail']), /\(INVALID_PURPOSE\)$/);
});

test('a good client certificate still passes', async () => {
  const c = clientCert('good', 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature');
  const r = await sClientAsync(
    serve.port,
    ['-servername', 'mtls.example.test', '-cert', c.cert, '-key', c.key, '-ign_eof'],
    'GET / HTTP/1.0\r\nHost: mtls.example.test\r\n\r\n',
  );
  assert.match(r.all, /HTTP\/1\.[01] 200/);
});
