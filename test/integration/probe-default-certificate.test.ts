// nginx whose default server (what a client without SNI gets) holds a weak RSA 1024 certificate,
// and a strong site for example.test: asked for example.test, the probe grades what example.test
// is served, and lists the default certificate as not served for it (issue 17, item 3).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe, renderProbeReport } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { hasCommand, type Running, startNginx } from './probe-harness.ts';

const skip = hasCommand('nginx') ? false : 'nginx is not installed (apt-get install -y nginx)';

let tmp: { dir: string; cleanup: () => void };
let nginx: Running;
let report: ProbeReport;
let noSni: ProbeReport;

before(async () => {
  if (skip) return;
  tmp = makeTempDir('probe-default-cert');
  const pki = await makePki(tmp.dir);
  const weak = await pki.issue(['default.test'], { keyType: 'rsa', rsaBits: 1024, name: 'weak' });
  const tls = `ssl_protocols TLSv1.2 TLSv1.3;
    add_header Strict-Transport-Security "max-age=63072000" always;`;
  nginx = await startNginx(
    tmp.dir,
    // OpenSSL 3 refuses a 1024-bit key at its default security level: this server allows it.
    `ssl_certificate ${weak.fullchainPath};
    ssl_certificate_key ${weak.keyPath};
    ssl_ciphers DEFAULT:@SECLEVEL=0;
    ${tls}`,
    (port) => `server {
    listen 127.0.0.1:${port} ssl;
    server_name example.test;
    ssl_certificate ${pki.chains.ec.fullchainPath};
    ssl_certificate_key ${pki.chains.ec.keyPath};
    ${tls}
    location / { return 200 "example\\n"; }
  }`,
  );
  [report, noSni] = await Promise.all([
    probe(`127.0.0.1:${nginx.port}`, { sni: 'example.test', ca: pki.rootPem }),
    probe(`127.0.0.1:${nginx.port}`, { ca: pki.rootPem }),
  ]);
});

after(async () => {
  await nginx?.stop();
  tmp?.cleanup();
});

describe('probe: a weak no-SNI default certificate next to a strong site', { skip }, () => {
  it('grades example.test on the chain it is served, not on the default certificate', () => {
    assert.equal(report.grade, 'A+', report.reasons.map((r) => `${r.rule}: ${r.detail}`).join('\n'));
    assert.equal(report.chain?.certificates[0]?.key, 'EC P-256');
    const keys = report.certificates.map((c) => [c.key, c.sni, c.served_for_name]);
    assert.deepEqual(keys, [
      ['EC P-256', 'example.test', true],
      ['RSA 1024', null, false],
    ]);
    assert.ok(!report.reasons.some((r) => r.rule === 'weak_key'));
    assert.ok(!report.reasons.some((r) => r.detail.includes('RSA 1024')), 'not named the weakest');
  });

  it('lists the default certificate, marked not served for example.test, and its problem once', () => {
    const text = renderProbeReport(report);
    assert.match(
      text,
      /\[2\] RSA 1024 — served for no SNI, any client — not served for example\.test \(not graded\)/,
    );
    const also = report.ungraded_problems.filter((p) => p.check === 'other_certificate');
    assert.equal(also.length, 1);
    assert.match(also[0]!.detail, /RSA 1024 chain served without SNI \(not for example\.test, not graded\)/);
  });

  it('asked without SNI, the default certificate is the one served, and graded', () => {
    assert.equal(noSni.sni, null);
    assert.equal(noSni.chain?.certificates[0]?.key, 'RSA 1024');
    assert.ok(noSni.certificates.every((c) => c.served_for_name));
    assert.ok(noSni.reasons.some((r) => r.rule === 'weak_key' && r.effect === 'cap B'));
  });
});
