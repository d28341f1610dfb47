import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cipherBits, suiteFinding } from '../../../src/probe/suite-finding.ts';

describe('suiteFinding', () => {
  it('gives ids, both names, strength, label and key size', () => {
    assert.deepEqual(suiteFinding(0xc02b), {
      id: '0xC02B',
      iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      strength: 'strong',
      label: 'AEAD/PFS',
      pfs: true,
      aead: true,
      bits: 128,
    });
    assert.equal(suiteFinding(0x009d).label, 'AEAD');
    assert.equal(suiteFinding(0xc013).label, 'CBC/PFS');
    assert.equal(suiteFinding(0x002f).label, 'CBC');
    assert.equal(suiteFinding(0x000a).label, 'weak');
    assert.equal(suiteFinding(0x1303).bits, 256);
  });

  it('counts 3DES as 112 bits, export suites as 40, NULL as 0', () => {
    assert.equal(suiteFinding(0x000a).bits, 112);
    assert.equal(suiteFinding(0x0003).bits, 40);
    assert.equal(suiteFinding(0x0062).bits, 56);
    assert.equal(suiteFinding(0x0002).bits, 0);
    assert.equal(cipherBits('DES-CBC'), 56);
    assert.equal(cipherBits('CHACHA20-POLY1305'), 256);
  });

  it('does not invent names for an unknown id', () => {
    const f = suiteFinding(0x1234);
    assert.equal(f.openssl, null);
    assert.equal(f.label, 'unknown');
  });
});
