import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeLineageVersion } from '../../../src/certs/acme/lineage.ts';
import { ensurePlaceholderCertificate } from '../../../src/certs/acme/placeholder.ts';
import { writeRenewalRecord } from '../../../src/certs/acme/renewal-record.ts';
import { ensureLocalCertificates } from '../../../src/certs/local-ca.ts';
import {
  acmeCertificateStatus,
  configCertificateStatus,
  fileCertificateStatus,
  formatCertificateStatus,
  readConfigCertificates,
  statusHasErrors,
} from '../../../src/certs/status.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

const DAY = 86_400_000;
let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;
before(async () => {
  tmp = makeTempDir('cert-status');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

const acmeSite = (hosts: string[]) => ({
  hosts,
  acme: { email: 'ops@example.test', directory: 'letsencrypt', challenge: 'http-01' as const },
});

test('a file pair: facts, days left, and the 14-day warning instead of load-pair’s own', async () => {
  const soon = await pki.issue(['soon.test'], { name: 'soon', validDays: 10 });
  const s = await fileCertificateStatus(
    'listeners[0].sites[0].certificates[0]',
    ['soon.test'],
    soon.fullchainPath,
    soon.keyPath,
    {
      stateDir: path.join(tmp.dir, 'no-state'),
      extraCa: [pki.rootPem],
    },
  );
  assert.equal(s.source, 'files');
  assert.equal(s.serialNumber, new crypto.X509Certificate(soon.certPem).serialNumber);
  assert.equal(s.daysLeft, 9);
  assert.equal(s.expiry?.severity, 'warning');
  assert.deepEqual(s.problems, []);
  assert.equal(statusHasErrors([s]), false);
});

test('a broken pair is listed with its errors, and the status says so', async () => {
  const bad = await pki.scenario('mismatched-key', ['bad.test']);
  const s = await fileCertificateStatus('x', ['bad.test'], bad.fullchainPath, bad.keyPath, {
    stateDir: tmp.dir,
    extraCa: [pki.rootPem],
  });
  assert.equal(s.subject, 'CN=bad.test');
  assert.match(s.problems.map((p) => p.message).join(), /private key does not match/);
  assert.equal(statusHasErrors([s]), true);
});

test("the local CA's certificate is recognised as such", async () => {
  const stateDir = path.join(tmp.dir, 'local');
  const local = await ensureLocalCertificates(stateDir);
  const s = await fileCertificateStatus('local', ['localhost'], local.leafCertPath, local.leafKeyPath, {
    stateDir,
  });
  assert.equal(s.source, 'local-ca');
  assert.deepEqual(s.problems, []);
  assert.match(formatCertificateStatus([s]), /renewal {3}by tlsterm at start/);
});

test('ACME: missing, placeholder, issued with the manager’s record, issued without one (estimate)', async () => {
  const stateDir = path.join(tmp.dir, 'acme-state');
  const missing = await acmeCertificateStatus('a', acmeSite(['missing.test']), { stateDir });
  assert.equal(missing.acme?.state, 'missing');

  await ensurePlaceholderCertificate(stateDir, 'ph.test', ['ph.test']);
  const ph = await acmeCertificateStatus('b', acmeSite(['ph.test']), { stateDir });
  assert.equal(ph.acme?.state, 'placeholder');
  assert.match(ph.problems[0]?.message ?? '', /self-signed placeholder/);
  assert.equal(ph.expiry, undefined, 'a placeholder is not judged by the expiry rule');

  const real = await pki.issue(['ok.test'], { name: 'ok', validDays: 90 });
  await writeLineageVersion(stateDir, 'ok.test', { fullchainPem: real.fullchainPem, keyPem: real.keyPem });
  const serial = new crypto.X509Certificate(real.certPem).serialNumber;
  const estimate = await acmeCertificateStatus('c', acmeSite(['ok.test']), { stateDir });
  assert.equal(estimate.acme?.renewalSource, 'estimate');
  assert.equal(estimate.acme?.state, 'issued');

  const at = new Date(Date.now() + 40 * DAY);
  await writeRenewalRecord(stateDir, {
    name: 'ok.test',
    hosts: ['ok.test'],
    directory: 'letsencrypt',
    challenge: 'http-01',
    serial,
    nextRenewalAt: at.toISOString(),
    renewalSource: 'ari',
    failures: 2,
    lastError: 'unauthorized: 404',
    nextAttemptAt: new Date(Date.now() + 3_600_000).toISOString(),
    updatedAt: new Date().toISOString(),
  });
  const recorded = await acmeCertificateStatus('c', acmeSite(['ok.test']), { stateDir });
  assert.equal(recorded.acme?.nextRenewalAt?.getTime(), new Date(at.toISOString()).getTime());
  assert.equal(recorded.acme?.renewalSource, 'ari');
  const text = formatCertificateStatus([recorded]);
  assert.match(text, /renewal {3}\d{4}-\d\d-\d\d \d\d:\d\d UTC \(ACME Renewal Information\)/);
  assert.match(text, /failing {3}2 attempts: unauthorized: 404; next try /);
});

test('a config is read leniently: pairs and acme blocks, paths from its directory, state_dir honoured', async () => {
  const dir = path.join(tmp.dir, 'cfg');
  fs.mkdirSync(dir);
  const pair = await pki.issue(['c.test'], { name: 'cfg-pair' });
  fs.copyFileSync(pair.fullchainPath, path.join(dir, 'fullchain.pem'));
  fs.copyFileSync(pair.keyPath, path.join(dir, 'privkey.pem'));
  fs.copyFileSync(pki.rootPath, path.join(dir, 'root.pem'));
  const file = path.join(dir, 'tlsterm.yaml');
  fs.writeFileSync(
    file,
    `state_dir: st
extra_ca: [root.pem]
listeners:
  - address: :8443
    sites:
      - hosts: [c.test]
        certificates: [{ cert: fullchain.pem, key: privkey.pem }]
        handler: inspect
      - hosts: [a.test]
        acme: { email: ops@a.test, directory: letsencrypt, challenge: dns-01, dns_hook: hooks/dns.sh }
        unknown_key_check_does_not_matter: 1
`,
  );
  const cfg = await readConfigCertificates(file);
  assert.equal(cfg.stateDir, path.join(dir, 'st'));
  assert.equal(cfg.files[0]?.certPath, path.join(dir, 'fullchain.pem'));
  assert.equal(cfg.acme[0]?.site.acme.dns_hook, path.join(dir, 'hooks', 'dns.sh'));
  const rows = await configCertificateStatus(cfg, { stateDir: cfg.stateDir ?? '' });
  assert.deepEqual(
    rows.map((r) => [r.id, r.source]),
    [
      ['listeners[0].sites[0].certificates[0]', 'files'],
      ['listeners[0].sites[1].acme', 'acme'],
    ],
  );
  assert.deepEqual(rows[0]?.problems, [], 'extra_ca from the config anchors the chain');
  const broken = path.join(dir, 'broken.yaml');
  fs.writeFileSync(broken, 'listeners: [');
  assert.match((await readConfigCertificates(broken)).notes[0] ?? '', /cannot read/);
});
