// A TLS 1.2-only server with CBC suites in its own order (openssl s_server -serverpref), an RSA
// certificate and a stapled OCSP response: every finding, checked against the configuration and
// against what `openssl s_client` negotiates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { makeOcspResponse, type Running, sClient, startSServer } from './probe-harness.ts';

const CIPHERS = ['ECDHE-RSA-AES256-SHA384', 'ECDHE-RSA-AES128-SHA', 'AES128-SHA'];

let tmp: { dir: string; cleanup: () => void };
let server: Running;
let report: ProbeReport;

before(async () => {
  tmp = makeTempDir('probe-tls12-cbc');
  const pki = await makePki(tmp.dir);
  // Issued by the root itself, so the root can sign the OCSP response (openssl ocsp -index).
  const leaf = await pki.issue(['example.test'], { keyType: 'rsa', byRoot: true, name: 'rsa-by-root' });
  const ocsp = await makeOcspResponse(tmp.dir, pki, leaf);
  server = await startSServer([
    ...['-cert', leaf.certPath, '-key', leaf.keyPath, '-tls1_2', '-serverpref'],
    ...['-cipher', CIPHERS.join(':'), '-status_file', ocsp, '-www'],
  ]);
  report = await probe(`127.0.0.1:${server.port}`, { sni: 'example.test', ca: pki.rootPem });
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

describe('probe: TLS 1.2-only, CBC suites in server order', () => {
  it('finds TLS 1.2 and nothing else', () => {
    assert.deepEqual(report.versions, {
      SSLv3: false,
      'TLS1.0': false,
      'TLS1.1': false,
      'TLS1.2': true,
      'TLS1.3': false,
    });
    assert.equal(report.failure, null);
  });

  it('lists the configured suites in the configured order, with both names and strength', () => {
    assert.deepEqual(report.server_order, { state: 'yes', chacha20_preferred: false });
    assert.deepEqual(report.server_order_by_version, { 'TLS1.2': report.server_order });
    assert.deepEqual(Object.keys(report.suites), ['TLS1.2']);
    const suites = report.suites['TLS1.2']!;
    assert.deepEqual(
      suites.map((s) => s.openssl),
      CIPHERS,
    );
    assert.deepEqual(
      suites.map((s) => [s.id, s.iana, s.strength, s.label, s.bits]),
      [
        ['0xC028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'cbc', 'CBC/PFS', 256],
        ['0xC013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'cbc', 'CBC/PFS', 128],
        ['0x002F', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'cbc', 'CBC', 128],
      ],
    );
  });

  it('agrees with openssl s_client: offered in reverse, the server still picks its first suite', async () => {
    const out = await sClient(server.port, [
      '-servername',
      'example.test',
      '-cipher',
      [...CIPHERS].reverse().join(':'),
    ]);
    assert.match(out, new RegExp(`Cipher is ${CIPHERS[0]}`));
  });

  it('finds OpenSSL 3.0’s TLS 1.2 curves, RSA signature schemes and no ALPN', () => {
    const names = report.groups.map((g) => g.name);
    for (const g of ['X25519', 'P-256', 'P-384', 'P-521', 'X448']) assert.ok(names.includes(g), g);
    assert.ok(report.groups.every((g) => g.tls12 && !g.tls13 && g.hrr === null));
    assert.equal(report.typical_client, null);
    const sig = report.signature_algorithms['TLS1.2']!;
    for (const s of ['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384'])
      assert.ok(sig.includes(s), s);
    assert.ok(!sig.some((s) => s.startsWith('ecdsa')));
    assert.equal(report.signature_algorithms['TLS1.3'], undefined);
    assert.deepEqual(report.alpn, []);
    assert.equal(report.alpn_preferred, null);
  });

  it('reads the RSA chain as sent and the stapled OCSP response', () => {
    assert.equal(report.certificates.length, 1);
    const leaf = report.chain!.certificates[0]!;
    assert.equal(leaf.key, 'RSA 2048');
    assert.equal(leaf.key_type, 'RSA');
    assert.equal(report.chain!.trusted, true);
    assert.equal(report.chain!.complete, true);
    assert.equal(report.chain!.name_match, true);
    assert.equal(report.ocsp_stapling?.stapled, true);
    assert.equal(report.ocsp_stapling?.response_status, 'successful');
    assert.equal(report.ocsp_stapling?.cert_status, 'good');
    assert.ok(report.ocsp_stapling?.next_update);
  });

  it('reports resumption, renegotiation and the other protocol features', () => {
    assert.deepEqual(Object.keys(report.resumption), ['TLS1.2']);
    const r = report.resumption['TLS1.2']!;
    assert.equal(r.session_id.state, 'yes');
    assert.equal(r.ticket.state, 'yes');
    assert.equal(r.ticket_lifetime_hint, 7200);
    assert.equal(report.secure_renegotiation.state, 'yes');
    // OpenSSL 3.0 servers refuse client-initiated renegotiation unless told otherwise.
    assert.equal(report.client_renegotiation.state, 'no');
    assert.equal(report.compression.state, 'no');
    assert.equal(report.heartbeat.state, 'no');
    assert.equal(report.extended_master_secret.state, 'yes');
    assert.deepEqual(report.fallback_scsv, {
      state: 'not_tested',
      why: 'one version accepted: nothing to fall back to',
    });
    assert.ok(report.hsts.state === 'no');
    assert.equal(report.hsts.status, 200);
  });

  it('grades B: no AEAD suite, with the score deductions spelled out', () => {
    assert.equal(report.grade, 'B');
    const rules = report.reasons.map((x) => `${x.rule} ${x.effect}`);
    assert.ok(rules.includes('no_aead cap B'), rules.join('; '));
    assert.ok(rules.includes('key_exchange_score -3 points'), rules.join('; '));
    assert.ok(!rules.some((x) => x.startsWith('no_pfs')));
  });
});
