// Seed 000 §6 and seed 004 check a TLS endpoint with these openssl commands; run against tlsterm
// they must give the answers the seeds describe.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run, sClientAsync } from '../helpers/run.ts';
import { type ServeProcess, startServe, trustHead } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;

before(async () => {
  tmp = makeTempDir('seed-checks');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  serve = await startServe(
    tmp.dir,
    `${trustHead(pki.rootPath)}  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates:
          - { cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }
          - { cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} }
        handler: inspect
`,
  );
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

const s = (args: readonly string[]) =>
  sClientAsync(serve.port, ['-servername', 'example.test', '-CAfile', pki.rootPath, ...args]);

/** `echo | openssl s_client … 2>/dev/null | openssl x509 -noout …` */
const x509 = async (args: readonly string[]) => {
  const leaf = await s([]);
  return run('openssl', ['x509', '-noout', ...args], { input: leaf.stdout });
};

test('openssl s_client -connect … -servername …: verified chain for the name', async () => {
  const r = await s([]);
  assert.match(r.all, /subject=CN ?= ?localhost/);
  assert.match(r.all, /Verify return code: 0 \(ok\)/);
});

test('-tls1_2 and -tls1_3 each negotiate that version', async () => {
  assert.match((await s(['-tls1_2'])).all, /New, TLSv1\.2, Cipher is ECDHE-ECDSA-AES/);
  assert.match((await s(['-tls1_3'])).all, /New, TLSv1\.3, Cipher is TLS_AES_/);
});

test("-cipher 'ECDHE-RSA-AES256-GCM-SHA384' gets exactly that suite, with the RSA certificate", async () => {
  const r = await s(['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384']);
  assert.match(r.all, /Cipher is ECDHE-RSA-AES256-GCM-SHA384/);
  assert.match(r.all, /Peer signature type: RSA/);
});

test('-sess_out then -sess_in: the session is reused (TLS 1.2)', async () => {
  const file = path.join(tmp.dir, 'session.pem');
  assert.match((await s(['-tls1_2', '-sess_out', file])).all, /^New, TLSv1\.2/m);
  assert.match((await s(['-tls1_2', '-sess_in', file])).all, /^Reused, TLSv1\.2/m);
});

test('-showcerts prints the leaf and the intermediate, in order, without the root', async () => {
  const r = await s(['-showcerts']);
  assert.equal(r.all.match(/-----BEGIN CERTIFICATE-----/g)?.length, 2);
  assert.match(r.all, / 0 s:CN ?= ?localhost[\s\S]* 1 s:CN ?= ?tlsterm Test Intermediate CA/);
});

test('| openssl x509 -noout -dates / -ext subjectAltName / -text', async () => {
  const dates = await x509(['-dates']);
  assert.match(dates.stdout, /^notBefore=.*\nnotAfter=.*GMT\n$/);
  const sans = await x509(['-ext', 'subjectAltName']);
  assert.match(sans.stdout, /DNS:example\.test, DNS:\*\.example\.test/);
  const text = await x509(['-text']);
  assert.match(text.stdout, /Public Key Algorithm: id-ecPublicKey/);
});

test('seed 004: a client limited to TLS 1.1 is refused, and the log says why in those words', async () => {
  const r = await s(['-tls1_1']);
  assert.match(r.all, /alert protocol version|no protocols available|unsupported protocol/);
  const e = await serve.waitFor(
    (x) => x['event'] === 'handshake_failed' && x['reason'] === 'no_common_version',
    8000,
  );
  assert.match(String(e['detail']), /client offered up to TLS1\.1; this listener requires at least TLS1\.2/);
});
