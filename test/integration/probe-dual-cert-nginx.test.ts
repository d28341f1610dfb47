// nginx (OpenSSL 3.0) with an ECDSA and an RSA certificate for example.test, a second site with
// its own certificate for other.test, a fixed TLS 1.2 suite order, a shared session cache and
// HSTS: the probe must report what nginx.conf says, and every certificate it holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { hasCommand, type Running, sClient, startNginx } from './probe-harness.ts';

const skip = hasCommand('nginx') ? false : 'nginx is not installed (apt-get install -y nginx)';
const CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES256-GCM-SHA384',
];

let tmp: { dir: string; cleanup: () => void };
let nginx: Running;
let main: ProbeReport;
let other: ProbeReport;

before(async () => {
  if (skip) return;
  tmp = makeTempDir('probe-nginx');
  const pki = await makePki(tmp.dir);
  const otherCert = await pki.issue(['other.test'], { keyType: 'ec', name: 'other' });
  const tls = `ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    ssl_ciphers ${CIPHERS.join(':')};
    ssl_session_cache shared:probe:1m;
    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;`;
  nginx = await startNginx(
    tmp.dir,
    `server_name example.test;
    ssl_certificate ${pki.chains.ec.fullchainPath};
    ssl_certificate_key ${pki.chains.ec.keyPath};
    ssl_certificate ${pki.chains.rsa.fullchainPath};
    ssl_certificate_key ${pki.chains.rsa.keyPath};
    ${tls}`,
    (port) => `server {
    listen 127.0.0.1:${port} ssl;
    server_name other.test;
    ssl_certificate ${otherCert.fullchainPath};
    ssl_certificate_key ${otherCert.keyPath};
    ${tls}
    location / { return 200 "other\\n"; }
  }`,
  );
  [main, other] = await Promise.all([
    probe(`127.0.0.1:${nginx.port}`, { sni: 'example.test', ca: pki.rootPem }),
    probe(`127.0.0.1:${nginx.port}`, { sni: 'other.test', ca: pki.rootPem }),
  ]);
});

after(async () => {
  await nginx?.stop();
  tmp?.cleanup();
});

describe('probe: nginx with ECDSA + RSA certificates', { skip }, () => {
  it('finds the versions and the TLS 1.2 suites of nginx.conf, in its order', () => {
    assert.deepEqual(main.versions, {
      SSLv3: false,
      'TLS1.0': false,
      'TLS1.1': false,
      'TLS1.2': true,
      'TLS1.3': true,
    });
    assert.deepEqual(
      main.suites['TLS1.2']?.map((s) => s.openssl),
      CIPHERS,
    );
    assert.equal(main.server_order_by_version['TLS1.2']?.state, 'yes');
    assert.deepEqual(
      new Set(main.suites['TLS1.3']?.map((s) => s.iana)),
      new Set(['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']),
    );
  });

  it('finds both certificates for example.test, each chain complete, in order and trusted', () => {
    assert.deepEqual(
      main.certificates.map((c) => [c.key, c.offered, c.sni]),
      [
        ['EC P-256', 'any', 'example.test'],
        ['RSA 2048', 'RSA', 'example.test'],
      ],
    );
    for (const c of main.certificates) {
      assert.equal(c.chain.order, 'as-sent');
      assert.equal(c.chain.order_ok, true);
      assert.equal(c.chain.complete, true);
      assert.equal(c.chain.trusted, true);
      assert.equal(c.chain.name_match, true);
    }
    const sig = main.signature_algorithms['TLS1.3']!;
    assert.ok(sig.includes('ecdsa_secp256r1_sha256') && sig.includes('rsa_pss_rsae_sha256'));
  });

  it('agrees with openssl s_client: an RSA-only client gets the RSA key', async () => {
    const out = await sClient(nginx.port, [
      ...['-servername', 'example.test', '-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256'],
    ]);
    assert.match(out, /Server public key is 2048 bit/);
  });

  it('for other.test: that site’s certificate, plus the default site’s chains served without SNI', () => {
    assert.equal(other.chain?.certificates[0]?.san.join(), 'other.test');
    assert.equal(other.chain?.name_match, true);
    const noSni = other.certificates.filter((c) => c.sni === null);
    assert.deepEqual(
      noSni.map((c) => c.key),
      ['EC P-256', 'RSA 2048'],
    );
    // A client without SNI asking for other.test gets example.test's certificate: a mismatch.
    assert.ok(noSni.every((c) => c.chain.name === 'other.test' && c.chain.name_match === false));
    assert.equal(other.grade, 'A+', 'graded on the chain served for the name asked');
  });

  it('reports nginx’s session cache, tickets, HSTS and refusal of client renegotiation', () => {
    assert.deepEqual(main.resumption['TLS1.2'], {
      session_id: { state: 'yes' },
      ticket: { state: 'yes' },
      ticket_lifetime_hint: 300,
      tickets_issued: null,
      detail: null,
    });
    assert.equal(main.resumption['TLS1.3']?.ticket.state, 'yes');
    assert.ok(main.hsts.state === 'yes');
    assert.equal(main.hsts.max_age, 63072000);
    assert.equal(main.hsts.include_subdomains, true);
    assert.equal(main.client_renegotiation.state, 'no');
    assert.equal(main.secure_renegotiation.state, 'yes');
    assert.equal(main.fallback_scsv.state, 'yes');
    assert.deepEqual(main.alpn, ['http/1.1', 'http/1.0']);
  });

  it('grades A+', () => {
    assert.equal(main.grade, 'A+');
    assert.equal(main.grade_ignoring_trust, null);
  });
});
