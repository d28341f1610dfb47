import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadCertificatePair } from '../../../src/certs/load-pair.ts';
import type { Problem } from '../../../src/problems.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;
before(async () => {
  tmp = makeTempDir('load-pair');
  pki = await makePki(tmp.dir);
});
after(() => tmp.cleanup());

const only = (problems: readonly Problem[], severity: Problem['severity']) =>
  problems.filter((p) => p.severity === severity);

async function load(chain: { fullchainPath: string; keyPath: string }, extraCa = true) {
  return loadCertificatePair(chain.fullchainPath, chain.keyPath, extraCa ? { extraCa: [pki.rootPem] } : {});
}

test('a good EC chain loads with its facts and no problems', async () => {
  const r = await load(pki.chains.ec);
  assert.deepEqual(r.problems, []);
  assert.equal(r.pair?.keyType, 'ec');
  assert.equal(r.pair?.subject, 'CN=localhost');
  assert.deepEqual(r.pair?.sans, ['localhost', '127.0.0.1', '::1', 'example.test', '*.example.test']);
  assert.equal((r.pair?.certPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
  assert.match(r.pair?.keyPem ?? '', /BEGIN PRIVATE KEY/);
  assert.ok((r.pair?.notAfter.getTime() ?? 0) > Date.now());
});

test('a good RSA chain loads', async () => {
  const r = await load(pki.chains.rsa);
  assert.deepEqual(r.problems, []);
  assert.equal(r.pair?.keyType, 'rsa');
});

test('symlinks are followed (certbot live/ → archive/)', async () => {
  const live = path.join(tmp.dir, 'live');
  fs.mkdirSync(live);
  fs.symlinkSync(pki.chains.ec.fullchainPath, path.join(live, 'fullchain.pem'));
  fs.symlinkSync(pki.chains.ec.keyPath, path.join(live, 'privkey.pem'));
  const r = await loadCertificatePair(path.join(live, 'fullchain.pem'), path.join(live, 'privkey.pem'), {
    extraCa: [pki.rootPem],
  });
  assert.deepEqual(r.problems, []);
  assert.ok(r.pair);
});

test('unreadable files say which file and why', async () => {
  const r = await loadCertificatePair(path.join(tmp.dir, 'nope.pem'), pki.chains.ec.keyPath);
  const [e] = only(r.problems, 'error');
  assert.equal(e?.path, 'cert');
  assert.match(e?.message ?? '', /cannot read certificate .*nope\.pem: file not found/);
  assert.equal(r.pair, undefined);

  const r2 = await loadCertificatePair(pki.chains.ec.fullchainPath, tmp.dir);
  assert.match(only(r2.problems, 'error')[0]?.message ?? '', /cannot read private key .*: it is a directory/);
});

test('not PEM: DER certificate, swapped files', async () => {
  const der = path.join(tmp.dir, 'cert.der');
  fs.writeFileSync(der, new crypto.X509Certificate(pki.chains.ec.certPem).raw);
  const r = await loadCertificatePair(der, pki.chains.ec.keyPath);
  assert.match(only(r.problems, 'error')[0]?.message ?? '', /is not a PEM certificate file/);
  assert.match(only(r.problems, 'error')[0]?.hint ?? '', /looks like DER/);

  const swapped = await loadCertificatePair(pki.chains.ec.keyPath, pki.chains.ec.fullchainPath);
  assert.deepEqual(
    only(swapped.problems, 'error').map((p) => p.path),
    ['cert', 'key'],
  );
  assert.match(only(swapped.problems, 'error')[0]?.message ?? '', /holds a private key, not a certificate/);
});

test('an encrypted private key is an error that never shows key material', async () => {
  const encrypted = crypto
    .createPrivateKey(pki.chains.ec.keyPem)
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' })
    .toString();
  const keyPath = path.join(tmp.dir, 'encrypted.pem');
  fs.writeFileSync(keyPath, encrypted, { mode: 0o600 });
  const r = await loadCertificatePair(pki.chains.ec.fullchainPath, keyPath, { extraCa: [pki.rootPem] });
  const [e] = only(r.problems, 'error');
  assert.equal(e?.path, 'key');
  assert.match(e?.message ?? '', /is encrypted \(passphrase-protected\)/);
  const body = encrypted.split('\n')[1] ?? '';
  for (const p of r.problems) assert.equal(`${p.message} ${p.hint}`.includes(body), false);
});

test('key does not match certificate', async () => {
  const r = await load(await pki.scenario('mismatched-key'));
  const [e] = only(r.problems, 'error');
  assert.equal(e?.path, 'key');
  assert.match(e?.message ?? '', /private key does not match certificate CN=localhost/);
  assert.equal(r.pair, undefined);
});

test('chain out of order', async () => {
  const r = await load(await pki.scenario('out-of-order'));
  const es = only(r.problems, 'error');
  assert.equal(es.length, 1, JSON.stringify(es));
  assert.equal(es[0]?.path, 'cert');
  assert.match(es[0]?.message ?? '', /chain is out of order/);
});

test('chain out of order although the key matches the first certificate', async () => {
  const leaf = await pki.issue(['x.test'], { name: 'swapped-middle' });
  const other = await pki.issue(['y.test'], { name: 'other-leaf' });
  const file = path.join(tmp.dir, 'bad-chain.pem');
  fs.writeFileSync(file, leaf.certPem + other.certPem + pki.intermediatePem);
  const r = await loadCertificatePair(file, leaf.keyPath, { extraCa: [pki.rootPem] });
  assert.match(
    only(r.problems, 'error')[0]?.message ?? '',
    /chain out of order: certificate #1 \(CN=x\.test\) is issued by certificate #3, not by the next one, #2/,
  );
});

test('missing intermediate names the missing issuer', async () => {
  const r = await load(await pki.scenario('leaf-only'));
  const [e] = only(r.problems, 'error');
  assert.equal(e?.path, 'cert');
  assert.match(
    e?.message ?? '',
    /missing intermediate: the leaf certificate \(CN=localhost\) is issued by CN=tlsterm Test Intermediate CA/,
  );
});

test('a complete chain from a private root not in the store serves, with a warning; extraCa silences it', async () => {
  const r = await load(pki.chains.ec, false);
  assert.deepEqual(only(r.problems, 'error'), []);
  assert.ok(r.pair, 'the pair loads');
  assert.match(
    only(r.problems, 'warning')[0]?.message ?? '',
    /^root not in the trust store: the chain is complete up to certificate #2 \(CN=tlsterm Test Intermediate CA.*issued by CN=tlsterm Test Root CA/,
  );
  assert.deepEqual((await load(pki.chains.ec, true)).problems, []);
});

test('a leaf alone from a private CA with an intermediate is a missing intermediate, trusted root or not', async () => {
  const leafOnly = await pki.scenario('leaf-only');
  for (const extraCa of [false, true]) {
    const r = await load(leafOnly, extraCa);
    assert.equal(r.pair, undefined);
    assert.match(
      only(r.problems, 'error')[0]?.message ?? '',
      /^missing intermediate: the leaf certificate \(CN=localhost\) is issued by CN=tlsterm Test Intermediate CA/,
    );
  }
});

test('a leaf issued directly by a private root: refused until the root is listed under extraCa', async () => {
  const direct = await pki.issue(['direct.example.test'], {
    name: 'direct',
    byRoot: true,
    layout: 'leaf-only',
  });
  const refused = await load(direct, false);
  assert.match(
    only(refused.problems, 'error')[0]?.message ?? '',
    /^missing intermediate: .*CN=tlsterm Test Root CA/,
  );
  assert.match(only(refused.problems, 'error')[0]?.hint ?? '', /list the root under extra_ca/);
  assert.deepEqual((await load(direct, true)).problems, []);
});

test('the root in the chain is a warning', async () => {
  const r = await load(await pki.scenario('with-root'));
  assert.deepEqual(only(r.problems, 'error'), []);
  assert.match(
    only(r.problems, 'warning')[0]?.message ?? '',
    /the chain includes the root certificate CN=tlsterm Test Root CA/,
  );
  assert.ok(r.pair);
});

test('expired and not-yet-valid are errors', async () => {
  const expired = await load(await pki.scenario('expired'));
  assert.match(
    only(expired.problems, 'error')[0]?.message ?? '',
    /the leaf certificate \(CN=localhost\) expired on \d{4}-\d\d-\d\d/,
  );
  const future = await load(await pki.scenario('not-yet-valid'));
  assert.match(only(future.problems, 'error')[0]?.message ?? '', /is not valid yet: it starts on/);
});

test('expiring within 14 days is a warning; the clock can be moved', async () => {
  const soon = await load(await pki.scenario('expiring-soon'));
  assert.deepEqual(only(soon.problems, 'error'), []);
  assert.match(only(soon.problems, 'warning')[0]?.message ?? '', /expires in 5 days/);
  const later = await loadCertificatePair(pki.chains.ec.fullchainPath, pki.chains.ec.keyPath, {
    extraCa: [pki.rootPem],
    now: new Date(Date.now() + 85 * 86_400_000),
  });
  assert.match(only(later.problems, 'warning')[0]?.message ?? '', /expires in \d days/);
});

test('weak keys are errors (RSA 1024)', async () => {
  const r = await load(await pki.scenario('rsa-1024'));
  assert.match(only(r.problems, 'error')[0]?.message ?? '', /weak RSA key of 1024 bits \(minimum 2048\)/);
});

test('weak keys are errors (EC below 256 bits)', async () => {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'secp224r1' });
  // A self-signed P-224 certificate made with the openssl CLI-independent path: reuse Node to sign.
  const keyPath = path.join(tmp.dir, 'p224.key');
  fs.writeFileSync(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const { execFileSync } = await import('node:child_process');
  const certPath = path.join(tmp.dir, 'p224.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-key', keyPath, '-out', certPath, '-subj', '/CN=p224.test', '-days', '2'],
    { timeout: 10_000 },
  );
  const r = await loadCertificatePair(certPath, keyPath);
  assert.match(
    only(r.problems, 'error')[0]?.message ?? '',
    /weak EC key on secp224r1 \(224 bits; minimum 256\)/,
  );
});

test('SHA-1 signatures are a warning', async () => {
  const r = await load(await pki.scenario('sha1'));
  assert.deepEqual(only(r.problems, 'error'), []);
  assert.match(only(r.problems, 'warning')[0]?.message ?? '', /signed with ecdsa-with-SHA1/);
});

test('a world-readable key is a warning', async () => {
  const chain = await pki.issue(undefined, { name: 'world-readable' });
  fs.chmodSync(chain.keyPath, 0o644);
  const r = await load(chain);
  assert.match(only(r.problems, 'warning')[0]?.message ?? '', /readable by every user/);
});
