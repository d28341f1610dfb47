import assert from 'node:assert/strict';
import { test } from 'node:test';
import tls from 'node:tls';
import { GROUPS, groupById, groupByName, suggestGroups } from '../../../src/tls/groups.ts';

test('the brief’s groups have the right ids and flags', () => {
  const cases = [
    ['X25519MLKEM768', 0x11ec, true, true],
    ['SecP256r1MLKEM768', 0x11eb, true, true],
    ['SecP384r1MLKEM1024', 0x11ed, true, true],
    ['MLKEM512', 0x0200, true, true],
    ['MLKEM768', 0x0201, true, true],
    ['MLKEM1024', 0x0202, true, true],
    ['x25519', 29, false, false],
    ['x448', 30, false, false],
    ['secp256r1', 23, false, false],
    ['secp384r1', 24, false, false],
    ['secp521r1', 25, false, false],
    ['brainpoolP256r1tls13', 31, true, false],
    ['ffdhe2048', 256, false, false],
    ['ffdhe8192', 260, false, false],
  ] as const;
  for (const [name, id, tls13Only, pq] of cases) {
    const g = groupByName(name);
    assert.equal(g?.id, id, name);
    assert.equal(g?.tls13Only, tls13Only, name);
    assert.equal(g?.postQuantum, pq, name);
    assert.equal(groupById(id), g);
  }
  assert.equal(groupById(19)?.legacyOnly, true);
  assert.equal(groupById(26)?.iana, 'brainpoolP256r1');
});

test('aliases resolve, case-insensitively', () => {
  for (const n of ['P-256', 'p-256', 'prime256v1', 'SECP256R1']) assert.equal(groupByName(n)?.id, 23, n);
  assert.equal(groupByName('P-384')?.id, 24);
  assert.equal(groupByName('P-521')?.id, 25);
  assert.equal(groupByName('X25519')?.id, 29);
  assert.equal(groupByName('nope'), undefined);
});

test('every OpenSSL name is accepted by Node’s ecdhCurve (OpenSSL 3.5 in Node 24)', () => {
  for (const g of GROUPS) {
    if (g.openssl === undefined) {
      assert.throws(() => tls.createSecureContext({ ecdhCurve: g.iana }), /curve/i, g.iana);
      continue;
    }
    assert.doesNotThrow(() => tls.createSecureContext({ ecdhCurve: g.openssl }), g.openssl);
  }
});

test('suggestGroups helps with typos', () => {
  assert.equal(suggestGroups('P256')[0], 'P-256');
  assert.equal(suggestGroups('X25519MLKEM786')[0], 'X25519MLKEM768');
});
