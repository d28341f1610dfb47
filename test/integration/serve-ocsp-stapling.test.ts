// OCSP stapling through `tlsterm serve` against a real `openssl ocsp` responder on loopback: the
// certificates name it in their AIA; the primary fetches, verifies and caches each response, the
// workers staple it, and `openssl s_client -status` and `tlsterm probe` see it. A revoked
// certificate is stapled as revoked (what the CA says; nginx does the same) with an error-level
// ocsp_fetched line. With the responder down: no staple, ocsp_failed, serving goes on; and a
// restart with the responder down staples the verified response from the disk cache.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../src/probe/index.ts';
import { freePort } from '../helpers/net.ts';
import { type OcspResponder, ocspUrlFor, startOcspResponder } from '../helpers/ocsp-responder.ts';
import { type ChainFiles, makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { configHead, type ServeProcess, sClient, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let responder: OcspResponder;
let good: ChainFiles;
let revoked: ChainFiles;
let orphan: ChainFiles;
let mustStaple: ChainFiles;
let serve: ServeProcess | undefined;

const site = (host: string, chain: ChainFiles): string => `      - hosts: [${host}]
        certificates: [{ cert: ${chain.fullchainPath}, key: ${chain.keyPath} }]
        handler: inspect
`;

const config = (): string => `${configHead(tmp.dir, pki.rootPath)}  - address: 127.0.0.1:0
    sites:
${site('good.test', good)}${site('revoked.test', revoked)}${site('orphan.test', orphan)}${site('staple.test', mustStaple)}`;

const fetched = (e: Record<string, unknown>, subject: string) =>
  e['event'] === 'ocsp_fetched' && String(e['subject']).includes(subject);
const failed = (e: Record<string, unknown>, subject: string) =>
  e['event'] === 'ocsp_failed' && String(e['subject']).includes(subject);

before(async () => {
  tmp = makeTempDir('serve-ocsp');
  pki = await makePki(tmp.dir);
  const port = await freePort();
  const url = ocspUrlFor(port);
  good = await pki.issue(['good.test'], { name: 'good', ocspUrl: url });
  revoked = await pki.issue(['revoked.test'], { name: 'revoked', ocspUrl: url });
  mustStaple = await pki.issue(['staple.test'], { name: 'staple', ocspUrl: url, mustStaple: true });
  // Names a responder that is never up.
  orphan = await pki.issue(['orphan.test'], { name: 'orphan', ocspUrl: ocspUrlFor(await freePort()) });
  responder = await startOcspResponder(path.join(tmp.dir, 'responder'), {
    port,
    caPath: pki.intermediatePath,
    signerPath: pki.intermediatePath,
    signerKeyPem: pki.intermediateKeyPem,
    statuses: [
      { certPem: good.certPem, status: 'good' },
      { certPem: revoked.certPem, status: 'revoked' },
      { certPem: mustStaple.certPem, status: 'good' },
    ],
  });
});

after(async () => {
  await serve?.stop();
  await responder?.stop();
  tmp?.cleanup();
});

describe('serve: OCSP stapling', () => {
  it('staples a verified good response: openssl s_client -status and tlsterm probe see it', async () => {
    serve = await startServe(tmp.dir, config(), ['--workers', '1']);
    const line = await serve.waitFor((e) => fetched(e, 'good.test'), 20_000);
    assert.equal(line['cert_status'], 'good');
    assert.equal(line['signer'], 'issuer');
    assert.ok(Date.parse(String(line['refresh_at'])) < Date.parse(String(line['next_update'])));
    const file = fs
      .readdirSync(path.join(tmp.dir, 'state', 'ocsp'))
      .map((f) => fs.statSync(path.join(tmp.dir, 'state', 'ocsp', f)));
    assert.ok(file.length >= 1 && file.every((s) => (s.mode & 0o777) === 0o600));
    // The worker gets it over IPC: give the message a moment.
    let out = '';
    for (let i = 0; i < 20 && !out.includes('Cert Status'); i++) {
      out = sClient(serve.port, ['-servername', 'good.test', '-status']);
      if (!out.includes('Cert Status')) await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(out, /OCSP Response Status: successful/);
    assert.match(out, /Cert Status: good/);
    // TLS 1.2 carries it in a CertificateStatus message instead of the Certificate's extension.
    const tls12 = sClient(serve.port, ['-servername', 'good.test', '-status', '-tls1_2']);
    assert.match(tls12, /Protocol\s*: TLSv1\.2/);
    assert.match(tls12, /Cert Status: good/);
    const report = await probe(`127.0.0.1:${serve.port}`, { sni: 'good.test', ca: pki.rootPem, http: false });
    assert.equal(report.ocsp_stapling?.stapled, true);
    assert.equal(report.ocsp_stapling?.cert_status, 'good');
    assert.ok(!report.notes.includes('no OCSP response stapled'));
  });

  it('fetches for a must-staple certificate before it starts serving', async () => {
    assert.ok(serve);
    const names = serve.events.map((e) =>
      e['event'] === 'ocsp_fetched' && String(e['subject']).includes('staple.test') ? 'fetched' : e['event'],
    );
    assert.ok(
      names.indexOf('fetched') >= 0 && names.indexOf('fetched') < names.indexOf('started'),
      String(names),
    );
    assert.match(serve.stderr(), /must-staple certificate without a cached OCSP response yet/);
    const out = sClient(serve.port, ['-servername', 'staple.test', '-status']);
    assert.match(out, /Cert Status: good/);
  });

  it('staples a revoked response as revoked, logged at error level', async () => {
    assert.ok(serve);
    const line = await serve.waitFor((e) => fetched(e, 'revoked.test'), 20_000);
    assert.equal(line['cert_status'], 'revoked');
    assert.equal(line['level'], 'error');
    const out = sClient(serve.port, ['-servername', 'revoked.test', '-status']);
    assert.match(out, /Cert Status: revoked/);
  });

  it('responder down: no staple, ocsp_failed, the handshake goes on', async () => {
    assert.ok(serve);
    const line = await serve.waitFor((e) => failed(e, 'orphan.test'), 20_000);
    assert.equal(line['reason'], 'responder_unreachable');
    assert.equal(line['stapled'], false);
    const out = sClient(serve.port, ['-servername', 'orphan.test', '-status']);
    assert.match(out, /OCSP response: no response sent/);
    assert.match(out, /Verify return code|CONNECTED/);
    assert.match(out, /subject=CN = orphan\.test/);
  });

  it('restart with the responder down: the verified disk cache is stapled', async () => {
    await serve?.stop();
    await responder.stop();
    serve = await startServe(tmp.dir, config(), ['--workers', '1']);
    const line = await serve.waitFor((e) => failed(e, 'good.test'), 20_000);
    assert.equal(line['reason'], 'responder_unreachable');
    assert.equal(line['stapled'], true);
    const out = sClient(serve.port, ['-servername', 'good.test', '-status']);
    assert.match(out, /OCSP Response Status: successful/);
    assert.match(out, /Cert Status: good/);
  });
});
