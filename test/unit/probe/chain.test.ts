import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { analyzeChain } from '../../../src/probe/chain.ts';
import { systemTrustStore, trustStoreFromPem } from '../../../src/probe/trust-store.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

const der = (pem: string): Uint8Array => new Uint8Array(new crypto.X509Certificate(pem).raw);
const ders = (pem: string): Uint8Array[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(der);

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;

before(async () => {
  tmp = makeTempDir('probe-chain');
  pki = await makePki(tmp.dir);
});
after(() => tmp.cleanup());

describe('analyzeChain', () => {
  it('a complete chain in order, trusted by --ca, covering the name', () => {
    const r = analyzeChain(ders(pki.chains.ec.fullchainPem), {
      store: trustStoreFromPem(pki.rootPem, 'root.pem'),
      name: 'a.example.test',
      order: 'as-sent',
    });
    assert.equal(r.trusted, true);
    assert.equal(r.trust_error, null);
    assert.equal(r.complete, true);
    assert.equal(r.order_ok, true);
    assert.equal(r.name_match, true);
    assert.deepEqual(r.missing, []);
    assert.deepEqual(r.problems, []);
    assert.equal(r.trust_store, 'root.pem');
    const [leaf, inter] = r.certificates;
    assert.equal(leaf?.key, 'EC P-256');
    assert.equal(leaf?.key_bits, 256);
    assert.equal(leaf?.signature_algorithm, 'ecdsa-with-SHA256');
    assert.ok(leaf?.san.includes('example.test'));
    assert.ok(leaf!.days_left >= 88 && leaf!.days_left <= 90);
    assert.equal(inter?.ca, true);
    assert.match(inter!.subject, /Intermediate/);
  });

  it('names the missing intermediate when only the leaf is sent', async () => {
    const leafOnly = await pki.scenario('leaf-only');
    const r = analyzeChain(ders(leafOnly.fullchainPem), {
      store: trustStoreFromPem(pki.rootPem, 'root.pem'),
      name: 'example.test',
      order: 'as-sent',
    });
    assert.equal(r.trusted, false);
    assert.equal(r.complete, false);
    assert.deepEqual(r.missing, ['CN=tlsterm Test Intermediate CA, O=tlsterm tests']);
    assert.match(r.trust_error ?? '', /incomplete chain: "CN=tlsterm Test Intermediate CA, O=tlsterm tests"/);
  });

  it('trusts a leaf-only chain whose intermediate is in the store, but calls it incomplete', async () => {
    const leafOnly = await pki.scenario('leaf-only');
    const r = analyzeChain(ders(leafOnly.fullchainPem), {
      store: trustStoreFromPem(pki.rootPem + pki.intermediatePem, 'bundle.pem'),
      name: 'example.test',
      order: 'as-sent',
    });
    assert.equal(r.trusted, true);
    assert.equal(r.complete, false);
    assert.deepEqual(r.missing, ['CN=tlsterm Test Intermediate CA, O=tlsterm tests']);
    assert.ok(r.problems.some((p) => /does not send the intermediate/.test(p)));
  });

  it('sees a reversed chain and an extra root on the wire', async () => {
    const reversed = await pki.scenario('out-of-order');
    const r = analyzeChain(ders(reversed.fullchainPem), {
      store: trustStoreFromPem(pki.rootPem, 'root.pem'),
      name: 'example.test',
      order: 'as-sent',
    });
    assert.equal(r.order_ok, false);
    assert.equal(r.trusted, true);
    assert.ok(r.problems.some((p) => /not in order/.test(p)));

    const withRoot = await pki.scenario('with-root');
    const w = analyzeChain(ders(withRoot.fullchainPem), {
      store: trustStoreFromPem(pki.rootPem, 'root.pem'),
      name: 'example.test',
      order: 'as-sent',
    });
    assert.equal(w.order_ok, true);
    assert.deepEqual(w.extra, []);
    assert.ok(w.problems.some((p) => /sends the root/.test(p)));
  });

  it('reports expiry, a wrong name and an unknown CA', async () => {
    const expired = await pki.scenario('expired');
    const r = analyzeChain(ders(expired.fullchainPem), {
      store: trustStoreFromPem(pki.rootPem, 'root.pem'),
      name: 'other.test',
      order: 'as-sent',
    });
    assert.equal(r.trusted, false);
    assert.match(r.trust_error ?? '', /expired on/);
    assert.equal(r.certificates[0]?.expired, true);
    assert.equal(r.name_match, false);

    const untrusted = analyzeChain(ders(pki.chains.rsa.fullchainPem), {
      store: systemTrustStore(),
      name: '127.0.0.1',
      order: 'as-sent',
    });
    assert.equal(untrusted.trusted, false);
    assert.match(untrusted.trust_error ?? '', /unknown CA: "CN=tlsterm Test Root CA/);
    assert.equal(untrusted.complete, true);
    assert.equal(untrusted.name_match, true, 'IP SAN');
    assert.equal(untrusted.certificates[0]?.key, 'RSA 2048');
  });

  it('flags weak keys and SHA-1 signatures', async () => {
    const weak = await pki.scenario('rsa-1024');
    const sha1 = await pki.scenario('sha1');
    const store = trustStoreFromPem(pki.rootPem, 'root.pem');
    const w = analyzeChain(ders(weak.fullchainPem), { store, name: 'example.test', order: 'as-sent' });
    assert.ok(w.problems.some((p) => /RSA 1024 bits is too short/.test(p)));
    const s = analyzeChain(ders(sha1.fullchainPem), { store, name: 'example.test', order: 'as-sent' });
    assert.ok(
      s.problems.some((p) => /SHA-1/i.test(p)),
      s.problems.join('\n'),
    );
  });

  it('survives garbage and an empty chain', () => {
    const r = analyzeChain([Uint8Array.of(1, 2, 3)], {
      store: systemTrustStore(),
      name: null,
      order: 'path',
    });
    assert.equal(r.trusted, false);
    assert.equal(r.trust_error, 'the server sent no certificate');
    assert.ok(r.problems.some((p) => /cannot be parsed/.test(p)));
  });
});
