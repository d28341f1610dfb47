// The OCSP codec and verifier against real `openssl ocsp` responders: signed by the issuer, by a
// delegated responder (id-kp-OCSPSigning, issued by the issuer), and by a certificate the issuer
// never authorised; a response for another certificate, past its nextUpdate, tampered with, or
// answering another nonce is refused.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildOcspRequest,
  type OcspTarget,
  ocspTarget,
  postOcspRequest,
  verifyOcspResponse,
} from '../../src/certs/ocsp/index.ts';
import { freePort } from '../helpers/net.ts';
import { type OcspResponder, ocspUrlFor, startOcspResponder } from '../helpers/ocsp-responder.ts';
import { type ChainFiles, makePki, makeTempDir, type Pki } from '../helpers/pki.ts';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
const responders: OcspResponder[] = [];
let leaf: ChainFiles;
let other: ChainFiles;
let ports: { issuer: number; delegate: number; rogue: number };

const targetOf = (chain: ChainFiles): Required<OcspTarget> => {
  const t = ocspTarget(chain.fullchainPem);
  assert.ok(t?.issuer && t.certId);
  return t as Required<OcspTarget>;
};

async function ask(port: number, chain: ChainFiles, nonce?: Uint8Array): Promise<Uint8Array> {
  const answer = await postOcspRequest(ocspUrlFor(port), buildOcspRequest(targetOf(chain).certId, nonce));
  assert.ok(answer.ok, JSON.stringify(answer));
  return answer.der;
}

before(async () => {
  tmp = makeTempDir('ocsp-verify');
  pki = await makePki(tmp.dir);
  ports = { issuer: await freePort(), delegate: await freePort(), rogue: await freePort() };
  leaf = await pki.issue(['a.test'], { name: 'leaf', ocspUrl: ocspUrlFor(ports.issuer) });
  other = await pki.issue(['b.test'], { name: 'other' });
  const delegate = await pki.issue(['OCSP responder'], { name: 'delegate', ocspSigning: true });
  const rogue = await pki.issue(['rogue.test'], { name: 'rogue' });
  const statuses = [{ certPem: leaf.certPem, status: 'good' as const }];
  const signers = {
    issuer: [pki.intermediatePath, pki.intermediateKeyPem],
    delegate: [delegate.certPath, delegate.keyPem],
    rogue: [rogue.certPath, rogue.keyPem],
  } as const;
  for (const name of ['issuer', 'delegate', 'rogue'] as const)
    responders.push(
      await startOcspResponder(path.join(tmp.dir, name), {
        port: ports[name],
        caPath: pki.intermediatePath,
        signerPath: signers[name][0],
        signerKeyPem: signers[name][1],
        statuses,
      }),
    );
});

after(async () => {
  for (const r of responders) await r.stop();
  tmp?.cleanup();
});

describe('OCSP: verify what a responder says', () => {
  it('reads the AIA responder and verifies an issuer-signed good response', async () => {
    const t = targetOf(leaf);
    assert.deepEqual(t.aiaUrls, [ocspUrlFor(ports.issuer)]);
    assert.equal(t.mustStaple, false);
    const v = verifyOcspResponse({
      der: await ask(ports.issuer, leaf),
      certId: t.certId,
      issuer: t.issuer,
      now: Date.now(),
    });
    assert.ok(v.ok, JSON.stringify(v));
    assert.equal(v.status, 'good');
    assert.equal(v.signer, 'issuer');
    assert.ok(v.nextUpdate - v.thisUpdate === 60 * 60_000);
  });

  it('accepts a delegated responder with id-kp-OCSPSigning, refuses one without', async () => {
    const t = targetOf(leaf);
    const delegated = verifyOcspResponse({
      der: await ask(ports.delegate, leaf),
      certId: t.certId,
      issuer: t.issuer,
      now: Date.now(),
    });
    assert.ok(delegated.ok, JSON.stringify(delegated));
    assert.match(delegated.signer, /OCSP responder/);
    const rogue = verifyOcspResponse({
      der: await ask(ports.rogue, leaf),
      certId: t.certId,
      issuer: t.issuer,
      now: Date.now(),
    });
    assert.deepEqual(rogue.ok ? rogue : rogue.reason, 'bad_signature');
  });

  it('refuses a response for another certificate, past nextUpdate, or tampered with', async () => {
    const t = targetOf(leaf);
    const der = await ask(ports.issuer, leaf);
    const wrong = verifyOcspResponse({
      der,
      certId: targetOf(other).certId,
      issuer: t.issuer,
      now: Date.now(),
    });
    assert.equal(wrong.ok ? 'ok' : wrong.reason, 'no_matching_response');
    const late = verifyOcspResponse({
      der,
      certId: t.certId,
      issuer: t.issuer,
      now: Date.now() + 2 * 3_600_000,
    });
    assert.equal(late.ok ? 'ok' : late.reason, 'expired');
    const early = verifyOcspResponse({
      der,
      certId: t.certId,
      issuer: t.issuer,
      now: Date.now() - 3_600_000,
    });
    assert.equal(early.ok ? 'ok' : early.reason, 'not_yet_valid');
    // The producedAt time sits in the signed part: change one digit of it.
    const tampered = Uint8Array.from(der);
    const at = Buffer.from(tampered).indexOf(Buffer.from('Z', 'latin1')) - 1;
    tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;
    const forged = verifyOcspResponse({ der: tampered, certId: t.certId, issuer: t.issuer, now: Date.now() });
    assert.equal(forged.ok ? 'ok' : forged.reason, 'bad_signature');
  });

  it('checks an echoed nonce', async () => {
    const t = targetOf(leaf);
    const nonce = Uint8Array.from({ length: 16 }, (_, i) => i);
    const der = await ask(ports.issuer, leaf, nonce);
    assert.ok(verifyOcspResponse({ der, certId: t.certId, issuer: t.issuer, now: Date.now(), nonce }).ok);
    const other = verifyOcspResponse({
      der,
      certId: t.certId,
      issuer: t.issuer,
      now: Date.now(),
      nonce: new Uint8Array(16),
    });
    assert.equal(other.ok ? 'ok' : other.reason, 'nonce_mismatch');
  });
});
