// Problems that do not change the grade (issue 17, item 5) are listed under it, each once: a Node
// server whose chain is out of order with an unrelated certificate in it, and which accepts
// client-initiated renegotiation; and an s_server with an expired leaf, whose expiry is said once
// in the certificate section.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe, renderProbeReport } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { type Running, startNodeTls, startSServer } from './probe-harness.ts';

let tmp: { dir: string; cleanup: () => void };
const servers: Running[] = [];
let messy: ProbeReport;
let expired: ProbeReport;

before(async () => {
  tmp = makeTempDir('probe-ungraded');
  const pki = await makePki(tmp.dir);
  const stranger = await makePki(path.join(tmp.dir, 'stranger'), 'Stranger');
  const leaf = pki.chains.ec;
  const old = await pki.issue(['example.test'], {
    name: 'expired',
    validDays: -3,
    notBefore: new Date(Date.now() - 30 * 86_400_000),
  });
  const node = await startNodeTls({
    // leaf, a certificate from another PKI, then the intermediate: out of order, one extra.
    cert: `${leaf.certPem}${stranger.rootPem}${pki.intermediatePem}`,
    key: leaf.keyPem,
    maxVersion: 'TLSv1.2',
  });
  const sServer = await startSServer([
    ...['-cert', old.certPath, '-cert_chain', pki.intermediatePath, '-key', old.keyPath, '-www'],
  ]);
  servers.push(node, sServer);
  [messy, expired] = await Promise.all([
    probe(`127.0.0.1:${node.port}`, { sni: 'example.test', ca: pki.rootPem }),
    probe(`127.0.0.1:${sServer.port}`, { sni: 'example.test', ca: pki.rootPem }),
  ]);
});

after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  tmp?.cleanup();
});

describe('probe: problems not in the grade', () => {
  it('lists chain order, the extra certificate and accepted client renegotiation under the grade, once each', () => {
    const checks = messy.ungraded_problems.map((p) => p.check);
    assert.deepEqual(checks, ['chain_order', 'chain_extra', 'client_renegotiation']);
    assert.equal(messy.client_renegotiation.state, 'yes');
    const text = renderProbeReport(messy);
    const [head = ''] = text.split('\nProtocols\n');
    assert.match(
      head,
      /Also \(problems not in the grade\)\n {2}chain_order +the EC P-256 chain is sent out of order/,
    );
    assert.match(head, /client_renegotiation +client-initiated renegotiation is accepted/);
    assert.match(
      head,
      /chain_extra +the EC P-256 chain carries "CN=tlsterm Test Stranger Root CA, O=tlsterm tests"/,
    );
    // Graded as before: none of these moves the grade.
    assert.ok(!messy.reasons.some((r) => /order|renegotiation|Stranger/.test(r.detail)));
  });

  it('says an expired certificate’s expiry once in its chain section', () => {
    assert.equal(expired.grade, 'T');
    const text = renderProbeReport(expired);
    const certificates = text.slice(text.indexOf('\nCertificates\n'), text.indexOf('\nSession resumption'));
    assert.equal(certificates.match(/expired on/g)?.length, 1, certificates);
    assert.match(certificates, /NOT trusted — "CN=example\.test" expired on/);
  });
});
