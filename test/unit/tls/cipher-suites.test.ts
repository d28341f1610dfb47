import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { CIPHER_SUITES, suggestSuites, suiteById, suiteByName } from '../../../src/tls/cipher-suites.ts';

function opensslCiphers():
  | Map<number, { name: string; version: string; kx: string; au: string; mac: string }>
  | undefined {
  let out: string;
  try {
    out = execFileSync('openssl', ['ciphers', '-V', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
  } catch {
    return undefined;
  }
  const map = new Map<number, { name: string; version: string; kx: string; au: string; mac: string }>();
  for (const line of out.split('\n')) {
    const m =
      /0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=\S+\s+Mac=(\S+)/.exec(
        line,
      );
    if (m) {
      map.set(Number.parseInt(`${m[1]}${m[2]}`, 16), {
        name: m[3] ?? '',
        version: m[4] ?? '',
        kx: m[5] ?? '',
        au: m[6] ?? '',
        mac: m[7] ?? '',
      });
    }
  }
  return map;
}

test('ids and IANA/OpenSSL names are unique', () => {
  const ids = new Set(CIPHER_SUITES.map((s) => s.id));
  assert.equal(ids.size, CIPHER_SUITES.length);
  const names = CIPHER_SUITES.flatMap((s) => [s.iana, s.openssl ?? s.iana].map((n) => n.toUpperCase()));
  const seen = new Map<string, number>();
  for (const s of CIPHER_SUITES) {
    for (const n of new Set([s.iana.toUpperCase(), (s.openssl ?? s.iana).toUpperCase()])) {
      assert.equal(seen.has(n), false, `${n} appears twice`);
      seen.set(n, s.id);
    }
  }
  assert.ok(names.length > 150);
});

test('every suite OpenSSL on this machine knows has our id ↔ name mapping and facts', (t) => {
  const real = opensslCiphers();
  if (!real) {
    t.skip('openssl CLI not available');
    return;
  }
  let compared = 0;
  for (const [id, o] of real) {
    const suite = suiteById(id);
    // We list what scanners check; OpenSSL knows a few exotic PSK/SRP ones we leave out.
    if (!suite) {
      assert.match(
        o.name,
        /PSK|SRP|ARIA|CAMELLIA/,
        `OpenSSL suite ${o.name} (0x${id.toString(16)}) missing from the table`,
      );
      continue;
    }
    compared++;
    assert.equal(suite.openssl, o.name, `0x${id.toString(16)}`);
    assert.equal(suiteByName(o.name)?.id, id);
    assert.equal(suite.aead, o.mac === 'AEAD', `${o.name} aead`);
    if (o.version === 'TLSv1.3') assert.equal(suite.versions, 'tls13', o.name);
    if (o.version === 'TLSv1.2') assert.notEqual(suite.versions, 'tls13', o.name);
    const au = { RSA: 'RSA', ECDSA: 'ECDSA', DSS: 'DSS', None: 'anon', PSK: 'PSK', any: 'any' }[o.au];
    if (au) assert.equal(suite.auth, au, `${o.name} auth`);
    if (o.kx === 'ECDH' && suite.auth !== 'anon') assert.equal(suite.kx, 'ECDHE', `${o.name} kx`);
    if (o.kx === 'DH' && suite.auth !== 'anon') assert.equal(suite.kx, 'DHE', `${o.name} kx`);
    if (o.kx === 'RSA') assert.equal(suite.kx, 'RSA', `${o.name} kx`);
  }
  assert.ok(compared >= 120, `only ${compared} suites compared`);
});

test('the brief’s families are all present', () => {
  const expect = [
    [0x1301, 'TLS_AES_128_GCM_SHA256'],
    [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
    [0xc02f, 'ECDHE-RSA-AES128-GCM-SHA256'],
    [0x009f, 'DHE-RSA-AES256-GCM-SHA384'],
    [0x009c, 'AES128-GCM-SHA256'],
    [0xc028, 'ECDHE-RSA-AES256-SHA384'],
    [0xcca9, 'ECDHE-ECDSA-CHACHA20-POLY1305'],
    [0x0041, 'CAMELLIA128-SHA'],
    [0xc05c, 'ECDHE-ECDSA-ARIA128-GCM-SHA256'],
    [0xc0ac, 'ECDHE-ECDSA-AES128-CCM'],
    [0x000a, 'DES-CBC3-SHA'],
    [0x0005, 'RC4-SHA'],
    [0x0009, 'DES-CBC-SHA'],
    [0x0003, 'EXP-RC4-MD5'],
    [0x0002, 'NULL-SHA'],
    [0x0034, 'ADH-AES128-SHA'],
    [0x00a8, 'PSK-AES128-GCM-SHA256'],
  ] as const;
  for (const [id, name] of expect) assert.equal(suiteById(id)?.openssl, name);
  assert.equal(suiteById(0x00ff)?.signalling, true);
  assert.equal(suiteById(0x5600)?.iana, 'TLS_FALLBACK_SCSV');
});

test('derived facts: strength, pfs, versions', () => {
  const f = (name: string) => {
    const s = suiteByName(name);
    assert.ok(s, name);
    return s;
  };
  assert.equal(f('ECDHE-RSA-AES128-GCM-SHA256').strength, 'strong');
  assert.equal(f('ECDHE-RSA-AES128-GCM-SHA256').pfs, true);
  assert.equal(f('ECDHE-RSA-AES128-GCM-SHA256').versions, 'tls12');
  assert.equal(f('AES128-SHA').strength, 'cbc');
  assert.equal(f('AES128-SHA').pfs, false);
  assert.equal(f('AES128-SHA').versions, 'legacy');
  assert.equal(f('AES128-SHA').mac, 'SHA1');
  for (const weak of [
    'DES-CBC3-SHA',
    'RC4-SHA',
    'EXP-RC4-MD5',
    'NULL-SHA256',
    'ADH-AES256-GCM-SHA384',
    'DES-CBC-SHA',
  ]) {
    assert.equal(f(weak).strength, 'weak', weak);
  }
  assert.equal(f('TLS_AES_256_GCM_SHA384').kx, 'any');
  assert.equal(f('TLS_AES_256_GCM_SHA384').pfs, true);
  assert.equal(f('TLS_AES_128_CCM_8_SHA256').cipher, 'AES-128-CCM-8');
  assert.equal(f('PSK-AES128-CBC-SHA256').versions, 'legacy');
  assert.equal(f('ECDHE-ECDSA-AES128-CCM8').mac, 'AEAD');
});

test('suiteByName accepts IANA, TLS_-less, SSL_ and OpenSSL spellings, any case', () => {
  const id = 0xc02b;
  for (const n of [
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'ecdhe_ecdsa_with_aes_128_gcm_sha256',
    'SSL_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'ecdhe-ecdsa-aes128-gcm-sha256',
    '  ECDHE-ECDSA-AES128-GCM-SHA256 ',
  ]) {
    assert.equal(suiteByName(n)?.id, id, n);
  }
  assert.equal(suiteByName('ECDHE-RSA-AES128-GCM-SHA265'), undefined);
});

test('suggestSuites offers close names in the style of the input', () => {
  assert.deepEqual(suggestSuites('ECDHE-RSA-AES128-GCM-SHA265').slice(0, 1), ['ECDHE-RSA-AES128-GCM-SHA256']);
  assert.equal(
    suggestSuites('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265')[0],
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  );
  assert.equal(suggestSuites('TLS_AES_128_GCM_SHA384')[0], 'TLS_AES_128_GCM_SHA256');
  assert.ok(suggestSuites('ECDHE-RSA-AES128-GCM-SHA265', 2).length <= 2);
  assert.deepEqual(suggestSuites('completely-unrelated-text-here'), []);
});
