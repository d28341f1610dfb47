// OCSP stapling on a TLS 1.3-only server (openssl s_server -tls1_3 -status_file): the response
// travels inside the encrypted Certificate message, so the probe asks through Node's client
// (requestOCSP) — and a server without a response staples nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../src/probe/index.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { makeOcspResponse, type Running, startSServer } from './probe-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let stapling: Running;
let plain: Running;

before(async () => {
  tmp = makeTempDir('probe-ocsp');
  pki = await makePki(tmp.dir);
  const leaf = await pki.issue(['example.test'], { byRoot: true, name: 'by-root' });
  const ocsp = await makeOcspResponse(tmp.dir, pki, leaf);
  stapling = await startSServer([
    '-cert',
    leaf.certPath,
    '-key',
    leaf.keyPath,
    '-tls1_3',
    '-status_file',
    ocsp,
  ]);
  plain = await startSServer(['-cert', leaf.certPath, '-key', leaf.keyPath, '-tls1_3']);
});

after(async () => {
  await stapling?.stop();
  await plain?.stop();
  tmp?.cleanup();
});

describe('probe: OCSP stapling over TLS 1.3', () => {
  it('reads the stapled response: successful, good, with its next update', async () => {
    const r = await probe(`127.0.0.1:${stapling.port}`, {
      sni: 'example.test',
      ca: pki.rootPem,
      http: false,
    });
    assert.deepEqual(r.versions['TLS1.3'], true);
    assert.equal(r.chain?.order, 'path');
    assert.equal(r.ocsp_stapling?.stapled, true);
    assert.equal(r.ocsp_stapling?.response_status, 'successful');
    assert.equal(r.ocsp_stapling?.cert_status, 'good');
    const next = Date.parse(r.ocsp_stapling?.next_update ?? '');
    assert.ok(next > Date.now() + 6 * 86_400_000 && next < Date.now() + 8 * 86_400_000);
    assert.ok(!r.notes.includes('no OCSP response stapled'));
  });

  it('says "not stapled" when there is none', async () => {
    const r = await probe(`127.0.0.1:${plain.port}`, { sni: 'example.test', ca: pki.rootPem, http: false });
    assert.equal(r.ocsp_stapling?.stapled, false);
    assert.ok(r.notes.includes('no OCSP response stapled'));
  });
});
