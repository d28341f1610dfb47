import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suiteCrypto } from '../../../src/trace/suite-crypto.ts';

describe('suiteCrypto', () => {
  const get = (id: number) => {
    const r = suiteCrypto(id);
    assert.ok(r.ok, r.ok ? '' : r.error);
    return r.value;
  };

  it('knows TLS 1.3 suites: AEAD, HKDF hash and key length', () => {
    const a = get(0x1301);
    assert.equal(a.tls13, true);
    assert.deepEqual(
      [a.spec.algorithm, a.spec.keyLength, a.hash, a.kx],
      ['aes-128-gcm', 16, 'sha256', 'tls13'],
    );
    assert.deepEqual([get(0x1302).hash, get(0x1302).spec.keyLength], ['sha384', 32]);
    assert.equal(get(0x1303).spec.algorithm, 'chacha20-poly1305');
    const ccm8 = get(0x1305).spec;
    assert.equal(ccm8.kind === 'aead' ? ccm8.tagLength : 0, 8);
  });

  it('knows TLS 1.2 suites: key exchange, PRF hash and key block sizes', () => {
    const gcm = get(0xc02f);
    assert.deepEqual(
      [gcm.kx, gcm.hash, gcm.sizes],
      ['ecdhe', 'sha256', { macLength: 0, keyLength: 16, ivLength: 4 }],
    );
    const rsa = get(0x009d);
    assert.deepEqual([rsa.kx, rsa.hash, rsa.sizes.keyLength], ['rsa', 'sha384', 32]);
    const cbc = get(0xc013);
    assert.deepEqual(
      [cbc.spec.kind, cbc.hash, cbc.sizes],
      ['cbc', 'sha256', { macLength: 20, keyLength: 16, ivLength: 16 }],
    );
    const cbc384 = get(0xc028);
    assert.deepEqual([cbc384.hash, cbc384.sizes.macLength], ['sha384', 48]);
    assert.equal(get(0xcca8).sizes.ivLength, 12);
    assert.equal(get(0x0033).kx, 'dhe');
  });

  it('says why it cannot decrypt a suite', () => {
    assert.deepEqual(suiteCrypto(0x0005), {
      ok: false,
      error: 'TLS_RSA_WITH_RC4_128_SHA (RC4-128) is not a cipher tlsterm can decrypt',
    });
    assert.match((suiteCrypto(0xfefe) as { error: string }).error, /0xfefe is not in tlsterm's registry/);
  });
});
