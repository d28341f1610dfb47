// Checks made through Node's own TLS client (resumption, HSTS, client renegotiation) against
// servers Node's default client cannot talk to (issue 17, item 4): a 1024-bit DH prime (Node's
// default client refuses it: dh key too small) is now tested with a client that accepts it, and a
// server that demands a client certificate, which no check can get past, says "not tested,
// because …" for each check instead of "no".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe, renderProbeReport } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { dhParams, type Running, startSServer } from './probe-harness.ts';

let tmp: { dir: string; cleanup: () => void };
const servers: Running[] = [];
let weakDh: ProbeReport;
let mtls: ProbeReport;
let rsaKx: ProbeReport;

before(async () => {
  tmp = makeTempDir('probe-not-tested');
  const pki = await makePki(tmp.dir);
  const leaf = await pki.issue(['example.test'], { keyType: 'rsa', name: 'rsa' });
  // RFC 5114's 1024-bit group: a 1024-bit prime without minutes of generation.
  const dh = dhParams(tmp.dir, 'dh1024.pem', 'dh_rfc5114:1');
  const cert = ['-cert', leaf.certPath, '-cert_chain', pki.intermediatePath, '-key', leaf.keyPath];
  const started = await Promise.all([
    startSServer([
      ...cert,
      '-tls1_2',
      '-cipher',
      'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
      '-dhparam',
      dh,
      '-www',
    ]),
    // -Verify: a client certificate is required; the prober never has one.
    startSServer([
      ...cert,
      '-no_tls1_3',
      '-cipher',
      'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:@SECLEVEL=0',
      '-Verify',
      '1',
      '-www',
    ]),
    // RSA key exchange only: no ServerKeyExchange, so no signature scheme to see.
    startSServer([...cert, '-tls1_2', '-cipher', 'AES128-GCM-SHA256:AES128-SHA', '-www']),
  ]);
  servers.push(...started);
  const scan = (s: Running) => probe(`127.0.0.1:${s.port}`, { sni: 'example.test', ca: pki.rootPem });
  [weakDh, mtls, rsaKx] = await Promise.all([scan(started[0]), scan(started[1]), scan(started[2])]);
});

after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  tmp?.cleanup();
});

describe('probe: yes / no / not tested', () => {
  it('1024-bit DH: resumption, HSTS and renegotiation are really tested, the prime graded', () => {
    const r = weakDh.resumption['TLS1.2'];
    assert.equal(r?.session_id.state, 'yes', JSON.stringify(r));
    assert.equal(r?.ticket.state, 'yes');
    assert.ok(weakDh.hsts.state === 'no', JSON.stringify(weakDh.hsts));
    assert.equal(weakDh.hsts.status, 200);
    assert.equal(weakDh.client_renegotiation.state, 'no');
    assert.equal(weakDh.dh_bits, 1024);
    assert.ok(weakDh.reasons.some((x) => x.rule === 'weak_dh' && x.effect === 'cap B'));
  });

  it('client certificate required: every check through Node’s client is not tested, and says why', () => {
    assert.equal(mtls.versions['TLS1.2'], true);
    assert.equal(mtls.versions['TLS1.0'], true, 'TLS 1.0 CertificateRequest read as TLS 1.0 lays it out');
    const why = /^Node's TLS client could not complete a handshake: /;
    const r = mtls.resumption['TLS1.2']!;
    for (const f of [r.session_id, r.ticket, mtls.hsts, mtls.client_renegotiation]) {
      assert.equal(f.state, 'not_tested', JSON.stringify(f));
      assert.match(f.state === 'not_tested' ? f.why : '', why);
    }
    // What the raw hellos saw is still yes / no.
    assert.equal(mtls.secure_renegotiation.state, 'yes');
    assert.equal(mtls.compression.state, 'no');
  });

  it('RSA key exchange only: TLS 1.2 signature algorithms not tested, not "none"', () => {
    assert.equal(rsaKx.versions['TLS1.2'], true);
    assert.equal(rsaKx.signature_algorithms['TLS1.2'], undefined);
    assert.ok(
      rsaKx.notes.includes(
        'TLS1.2 signature algorithms not tested: the server accepts no suite with a signed key exchange (ECDHE or DHE with a certificate)',
      ),
      rsaKx.notes.join('\n'),
    );
    assert.doesNotMatch(renderProbeReport(rsaKx), /TLS1\.2 +none/);
    assert.equal(rsaKx.alpn_not_tested, null, 'ALPN was tested: the server answered without ALPN');
  });

  it('renders not tested distinctly from no, in text and JSON', () => {
    const text = renderProbeReport(mtls);
    assert.match(
      text,
      /TLS1\.2 +session ID not tested \(Node's TLS client could not complete a handshake: [^)]+\), ticket not tested/,
    );
    assert.match(text, /HSTS +not tested \(Node's TLS client could not complete a handshake/);
    assert.match(text, /Client renegotiation +not tested \(/);
    assert.match(text, /Compression +no\n/);
    const json = JSON.parse(JSON.stringify(mtls)) as { client_renegotiation: unknown };
    assert.deepEqual(Object.keys(json.client_renegotiation as object), ['state', 'why']);
  });
});
