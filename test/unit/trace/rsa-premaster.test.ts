// The pre-master secret from the server's RSA key, with PKCS#1 v1.5 checked by us (OpenSSL's
// implicit rejection would hand back a random value for a wrong key instead of an error).
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decryptPreMaster, unpadPkcs1Type2 } from '../../../src/trace/rsa-premaster.ts';
import { toHex } from '../../../src/wire/bytes.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

describe('RSA pre-master secret', () => {
  it('decrypts what a TLS 1.2 client encrypts', () => {
    const pms = Buffer.concat([Buffer.of(3, 3), randomBytes(46)]);
    const encrypted = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, pms);
    const r = decryptPreMaster(privateKey, encrypted);
    assert.ok(r.ok);
    assert.equal(toHex(r.value.preMaster), toHex(pms));
    assert.equal(r.value.version, 0x0303);
  });

  it('says "wrong private key" for another key instead of inventing a secret', () => {
    const encrypted = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
      randomBytes(48),
    );
    const r = decryptPreMaster(other, encrypted);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /wrong private key/);
  });

  it('says "wrong private key" for a value above this key\'s modulus (made with a larger one)', () => {
    // All ones is above any 2048-bit modulus: what another key's ciphertext can be, at random.
    const r = decryptPreMaster(privateKey, new Uint8Array(256).fill(0xff));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /larger than this key's modulus: wrong private key/);
  });

  it('refuses sizes that cannot match the key, and non-RSA keys', () => {
    assert.match(
      (decryptPreMaster(privateKey, new Uint8Array(128)) as { error: string }).error,
      /128 bytes; this 2048-bit key makes 256/,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    assert.match((decryptPreMaster(ec, new Uint8Array(256)) as { error: string }).error, /not RSA/);
  });

  it('checks the PKCS#1 type 2 block shape', () => {
    assert.deepEqual([...unpadPkcs1Type2(Uint8Array.of(0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 9))!], [9]);
    assert.equal(
      unpadPkcs1Type2(Uint8Array.of(0, 2, 1, 1, 1, 0, 1, 1, 1, 1, 0, 9)),
      undefined,
      'padding too short',
    );
    assert.equal(unpadPkcs1Type2(Uint8Array.of(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 9)), undefined, 'type 1');
    assert.equal(
      unpadPkcs1Type2(Uint8Array.of(0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9)),
      undefined,
      'no separator',
    );
  });
});
