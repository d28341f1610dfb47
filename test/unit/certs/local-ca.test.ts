import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ensureLocalCertificates } from '../../../src/certs/local-ca.ts';
import { parseSubjectAltName } from '../../../src/certs/names.ts';
import { TlstermError } from '../../../src/errors.ts';
import { makeTempDir } from '../../helpers/pki.ts';

const DAY = 86_400_000;

test('creates the CA and leaf once, then reuses them', async () => {
  const tmp = makeTempDir('local-ca');
  try {
    const first = await ensureLocalCertificates(tmp.dir);
    assert.equal(first.created, true);
    assert.equal(first.caCertPath, path.join(tmp.dir, 'ca', 'ca.pem'));
    assert.equal(first.leafCertPath, path.join(tmp.dir, 'certs', 'localhost', 'fullchain.pem'));
    assert.equal(fs.statSync(first.caKeyPath).mode & 0o777, 0o600);
    assert.equal(fs.statSync(first.leafKeyPath).mode & 0o777, 0o600);

    const ca = new crypto.X509Certificate(fs.readFileSync(first.caCertPath));
    assert.match(ca.subject, /^CN=tlsterm local CA [0-9a-f]{6}/);
    assert.equal(ca.ca, true);
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(ca.validToDate.getTime() - Date.now() > 3600 * DAY);
    const leaf = new crypto.X509Certificate(fs.readFileSync(first.leafCertPath));
    assert.deepEqual(parseSubjectAltName(leaf.subjectAltName), ['localhost', '127.0.0.1', '::1']);
    const days = (leaf.validToDate.getTime() - Date.now()) / DAY;
    assert.ok(days > 89 && days <= 90, `leaf lives ${days} days`);

    const verified = execFileSync(
      'openssl',
      ['verify', '-CAfile', first.caCertPath, '-purpose', 'sslserver', first.leafCertPath],
      {
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
    assert.match(verified, /OK/);

    const caBefore = fs.readFileSync(first.caCertPath, 'utf8');
    const leafBefore = fs.readFileSync(first.leafCertPath, 'utf8');
    const second = await ensureLocalCertificates(tmp.dir);
    assert.equal(second.created, false);
    assert.equal(fs.readFileSync(first.caCertPath, 'utf8'), caBefore);
    assert.equal(fs.readFileSync(first.leafCertPath, 'utf8'), leafBefore);
  } finally {
    tmp.cleanup();
  }
});

test('renews the leaf (not the CA) when names change or fewer than 30 days remain', async () => {
  const tmp = makeTempDir('local-ca');
  try {
    const first = await ensureLocalCertificates(tmp.dir);
    const caBefore = fs.readFileSync(first.caCertPath, 'utf8');
    const leafBefore = fs.readFileSync(first.leafCertPath, 'utf8');

    const renamed = await ensureLocalCertificates(tmp.dir, ['localhost', 'dev.test']);
    assert.equal(renamed.created, true);
    const leaf = new crypto.X509Certificate(fs.readFileSync(renamed.leafCertPath));
    assert.deepEqual(parseSubjectAltName(leaf.subjectAltName), ['localhost', 'dev.test']);
    assert.notEqual(fs.readFileSync(first.leafCertPath, 'utf8'), leafBefore);
    assert.equal(fs.readFileSync(first.caCertPath, 'utf8'), caBefore);

    const later = await ensureLocalCertificates(tmp.dir, ['localhost', 'dev.test'], {
      now: new Date(Date.now() + 70 * DAY),
    });
    assert.equal(later.created, true);
    const renewed = new crypto.X509Certificate(fs.readFileSync(later.leafCertPath));
    assert.ok(renewed.validToDate.getTime() > Date.now() + 150 * DAY);
    assert.equal(fs.readFileSync(first.caCertPath, 'utf8'), caBefore);
  } finally {
    tmp.cleanup();
  }
});

test('an unusable state directory is a TlstermError naming it', async () => {
  const tmp = makeTempDir('local-ca');
  try {
    const blocker = path.join(tmp.dir, 'file');
    fs.writeFileSync(blocker, 'not a directory');
    await assert.rejects(ensureLocalCertificates(path.join(blocker, 'state')), (e: unknown) => {
      assert.ok(e instanceof TlstermError);
      assert.equal(e.code, 'TLSTERM_ERR_STATE_DIR');
      assert.match(e.message, /file\/state/);
      return true;
    });
  } finally {
    tmp.cleanup();
  }
});
