import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { issueCertificate } from '../../../src/certs/issue.ts';
import { makeTempDir } from '../../helpers/pki.ts';

test('root → intermediate → EC and RSA leaves, verified by Node and by the openssl CLI', async () => {
  const root = await issueCertificate({ names: [], subject: 'CN=Unit Root', keyType: 'ec', isCa: true });
  const intermediate = await issueCertificate({
    issuer: root,
    names: [],
    subject: 'CN=Unit Int',
    keyType: 'rsa',
    isCa: true,
  });
  const ecLeaf = await issueCertificate({
    issuer: intermediate,
    names: ['a.test', '*.a.test', '::1'],
    keyType: 'ec',
  });
  const rsaLeaf = await issueCertificate({
    issuer: intermediate,
    names: ['b.test'],
    keyType: 'rsa',
    hash: 'SHA-384',
  });

  const X = (pem: string) => new crypto.X509Certificate(pem);
  assert.equal(X(root.certPem).ca, true);
  assert.equal(X(intermediate.certPem).ca, true);
  assert.equal(X(ecLeaf.certPem).ca, false);
  assert.equal(X(ecLeaf.certPem).verify(X(intermediate.certPem).publicKey), true);
  assert.equal(X(intermediate.certPem).verify(X(root.certPem).publicKey), true);
  assert.equal(X(rsaLeaf.certPem).signatureAlgorithm, 'sha384WithRSAEncryption');
  assert.equal(X(ecLeaf.certPem).subjectAltName, 'DNS:a.test, DNS:*.a.test, IP Address:0:0:0:0:0:0:0:1');
  assert.equal(X(ecLeaf.certPem).checkPrivateKey(crypto.createPrivateKey(ecLeaf.keyPem)), true);
  assert.match(ecLeaf.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);

  const tmp = makeTempDir('issue');
  try {
    const write = (name: string, text: string) => {
      const p = path.join(tmp.dir, name);
      fs.writeFileSync(p, text);
      return p;
    };
    const out = execFileSync(
      'openssl',
      [
        'verify',
        '-CAfile',
        write('root.pem', root.certPem),
        '-untrusted',
        write('int.pem', intermediate.certPem),
        '-purpose',
        'sslserver',
        write('leaf.pem', ecLeaf.certPem),
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.match(out, /leaf\.pem: OK/);
  } finally {
    tmp.cleanup();
  }
});

test('validity window, weak parameters and SHA-1 are honoured (for negative tests)', async () => {
  const notBefore = new Date('2020-01-01T00:00:00Z');
  const notAfter = new Date('2020-02-01T00:00:00Z');
  const weak = await issueCertificate({
    names: ['w.test'],
    keyType: 'rsa',
    rsaBits: 1024,
    hash: 'SHA-1',
    notBefore,
    notAfter,
  });
  const x = new crypto.X509Certificate(weak.certPem);
  assert.equal(x.validFromDate.toISOString(), notBefore.toISOString());
  assert.equal(x.validToDate.toISOString(), notAfter.toISOString());
  assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 1024);
  assert.equal(x.signatureAlgorithm, 'sha1WithRSAEncryption');
});
