import assert from 'node:assert/strict';
import { test } from 'node:test';
import tls from 'node:tls';
import { suiteByName } from '../../../src/tls/cipher-suites.ts';
import { DEFAULT_GROUPS, PROFILES } from '../../../src/tls/profiles.ts';

test('Mozilla-derived profiles: versions and suites', () => {
  assert.equal(PROFILES.modern.minVersion, 'TLS1.3');
  assert.deepEqual(PROFILES.modern.ciphers12, []);
  assert.equal(PROFILES.intermediate.minVersion, 'TLS1.2');
  assert.equal(PROFILES.intermediate.maxVersion, 'TLS1.3');
  assert.deepEqual(PROFILES.intermediate.ciphers13, [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
  ]);
  assert.equal(PROFILES.intermediate.ciphers12.length, 9);
  for (const name of PROFILES.intermediate.ciphers12) {
    const s = suiteByName(name);
    assert.equal(s?.aead, true, name);
    assert.equal(s?.pfs, true, name);
  }
  // old = intermediate + CBC (and static RSA), never weak
  for (const name of PROFILES.intermediate.ciphers12) assert.ok(PROFILES.old.ciphers12.includes(name));
  assert.ok(PROFILES.old.ciphers12.some((n) => suiteByName(n)?.strength === 'cbc'));
  for (const name of PROFILES.old.ciphers12) assert.notEqual(suiteByName(name)?.strength, 'weak', name);
  assert.equal(PROFILES.old.minVersion, 'TLS1.2');
  assert.deepEqual(DEFAULT_GROUPS, ['X25519MLKEM768', 'X25519', 'P-256', 'P-384']);
});

test('every profile suite is a known OpenSSL name Node accepts', () => {
  for (const profile of Object.values(PROFILES)) {
    for (const name of profile.ciphers12) {
      assert.equal(suiteByName(name)?.openssl, name, name);
      assert.doesNotThrow(() => tls.createSecureContext({ ciphers: name, maxVersion: 'TLSv1.2' }), name);
    }
  }
});
