// A TLS 1.3-only Node server (OpenSSL 3.5) holding an ECDSA and an RSA certificate, with ALPN,
// HSTS and two suites in its own order. TLS 1.3 hides certificates and ALPN in encrypted
// records, so these findings come through Node's client; the rest from raw ClientHellos.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { type Running, startNodeTls } from './probe-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let server: Running;
let report: ProbeReport;

before(async () => {
  tmp = makeTempDir('probe-tls13');
  const pki = await makePki(tmp.dir);
  server = await startNodeTls(
    {
      cert: [pki.chains.ec.fullchainPem, pki.chains.rsa.fullchainPem],
      key: [pki.chains.ec.keyPem, pki.chains.rsa.keyPem],
      minVersion: 'TLSv1.3',
      ciphers: 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384',
      honorCipherOrder: true,
      ALPNProtocols: ['h2', 'http/1.1'],
    },
    'Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n',
  );
  report = await probe(`127.0.0.1:${server.port}`, { sni: 'example.test', ca: pki.rootPem });
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

describe('probe: TLS 1.3 only, ECDSA + RSA', () => {
  it('finds TLS 1.3 only, its two suites in server order', () => {
    assert.deepEqual(report.versions, {
      SSLv3: false,
      'TLS1.0': false,
      'TLS1.1': false,
      'TLS1.2': false,
      'TLS1.3': true,
    });
    assert.equal(report.server_order.state, 'yes');
    assert.deepEqual(
      report.suites['TLS1.3']?.map((s) => [s.id, s.iana, s.openssl, s.label]),
      [
        ['0x1303', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'AEAD/PFS'],
        ['0x1302', 'TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384', 'AEAD/PFS'],
      ],
    );
    assert.equal(report.suites['TLS1.2'], undefined);
  });

  it('finds both certificates by offering ECDSA-only and RSA-only signature schemes', () => {
    assert.deepEqual(
      report.certificates.map((c) => [c.key, c.offered, c.sni]),
      [
        ['EC P-256', 'any', 'example.test'],
        ['RSA 2048', 'RSA', 'example.test'],
      ],
    );
    for (const c of report.certificates) {
      assert.equal(c.chain.order, 'path', 'TLS 1.3: order on the wire unknown');
      assert.equal(c.chain.trusted, true);
      assert.equal(c.chain.certificates.length, 2);
      assert.equal(c.ocsp?.stapled, false);
    }
    const sig = report.signature_algorithms['TLS1.3']!;
    assert.ok(sig.includes('ecdsa_secp256r1_sha256'));
    assert.ok(sig.includes('rsa_pss_rsae_sha256'));
    assert.ok(!sig.includes('ecdsa_secp384r1_sha384'), 'TLS 1.3 ties the scheme to the P-256 key');
    assert.ok(report.notes.some((n) => /re-orders it/.test(n)));
  });

  it('reads ALPN, HSTS and TLS 1.3 tickets through full handshakes', () => {
    assert.deepEqual(report.alpn, ['h2', 'http/1.1']);
    assert.equal(report.alpn_preferred, 'h2');
    assert.ok(report.hsts.state === 'yes');
    assert.equal(report.hsts.max_age, 31536000);
    assert.equal(report.hsts.include_subdomains, true);
    assert.deepEqual(Object.keys(report.resumption), ['TLS1.3']);
    const r = report.resumption['TLS1.3']!;
    assert.equal(r.ticket.state, 'yes');
    assert.equal(r.tickets_issued, 2);
    assert.ok((r.ticket_lifetime_hint ?? 0) > 0);
    assert.equal(r.session_id.state, 'not_tested');
  });

  it('reports OpenSSL 3.5’s default groups: the hybrid needs a retry for X25519-only clients', () => {
    const byName = new Map(report.groups.map((g) => [g.name, g]));
    assert.equal(byName.get('X25519MLKEM768')?.hrr, true);
    assert.equal(byName.get('X25519MLKEM768')?.post_quantum, true);
    assert.equal(byName.get('X25519')?.hrr, false);
    assert.ok(byName.has('P-256'));
    assert.ok(report.groups.every((g) => g.tls13 && !g.tls12));
    assert.deepEqual(report.typical_client, {
      key_shares: ['X25519MLKEM768', 'X25519'],
      group: 'X25519MLKEM768',
      hrr: false,
    });
  });

  it('leaves the TLS 1.2-only features empty and grades A+', () => {
    // Not "no": these do not exist in TLS 1.3, and the report says so.
    for (const f of [
      report.secure_renegotiation,
      report.compression,
      report.heartbeat,
      report.client_renegotiation,
      report.fallback_scsv,
    ]) {
      assert.equal(f.state, 'not_tested');
    }
    assert.match(JSON.stringify(report.compression), /TLS 1\.3 only/);
    assert.equal(report.grade, 'A+');
    assert.ok(report.reasons.every((x) => x.effect.endsWith('points')));
  });
});
