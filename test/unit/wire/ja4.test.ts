import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { type ClientHello, parseClientHello } from '../../../src/wire/client-hello.ts';
import { Ext } from '../../../src/wire/extensions.ts';
import { ja4, ja4Original, ja4Raw } from '../../../src/wire/ja4.ts';
import { sniffClientHello } from '../../../src/wire/sniff.ts';
import { CLIENT_FIXTURES, helloBody, readFixture, SPEC_CIPHERS, specExampleExtensions } from './helpers.ts';

function hello(...args: Parameters<typeof helloBody>): ClientHello {
  const r = parseClientHello(helloBody(...args));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function fixtureHello(name: string): ClientHello {
  const r = sniffClientHello(readFixture(`client-hello-${name}`), 16384);
  assert.equal(r.kind, 'client-hello');
  return (r as Extract<typeof r, { kind: 'client-hello' }>).hello;
}

const sha12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

describe('ja4: published vectors', () => {
  it('reproduces the hash examples of the FoxIO specification text', () => {
    // The spec's own worked strings, hashed the way section b and c are.
    assert.equal(
      sha12('002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9'),
      '8daaf6152771',
    );
    assert.equal(
      sha12(
        '0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
      ),
      'e5627efa2ab1',
    );
    assert.equal(
      sha12('0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01'),
      '6d807ffa2a79',
    );
  });

  it('fingerprints a hello built like the specification example as t13d1516h2_8daaf6152771_e5627efa2ab1', () => {
    const order = [
      0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01,
      0x000b, 0x000a, 0x0015,
    ];
    const h = hello({ cipherSuites: SPEC_CIPHERS, extensions: specExampleExtensions(order) });
    assert.equal(ja4(h), 't13d1516h2_8daaf6152771_e5627efa2ab1');
    assert.equal(ja4Original(h), 't13d1516h2_acb858a92679_18f69afefd3d');
    assert.equal(
      ja4Raw(h),
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    );
    assert.equal(
      ja4Raw(h, { original: true }),
      't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601',
    );
  });

  it('matches a published Chrome 143 fingerprint set (ECH, new ALPS, X25519MLKEM768)', () => {
    // ja4 / ja4_o / ja4_r / ja4_ro as published by a fingerprinting service for one Chrome hello.
    const order = [
      0x002d, 0x0033, 0x0010, 0xfe0d, 0x0017, 0x44cd, 0x0000, 0x000b, 0x000a, 0x002b, 0xff01, 0x0023, 0x0012,
      0x0005, 0x000d, 0x001b,
    ];
    const h = hello({
      cipherSuites: SPEC_CIPHERS,
      extensions: specExampleExtensions(order, 'tls-outer.example'),
    });
    assert.equal(ja4(h), 't13d1516h2_8daaf6152771_d8a2da3f94cd');
    assert.equal(ja4Original(h), 't13d1516h2_acb858a92679_f96a17c57971');
    assert.equal(
      ja4Raw(h),
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,fe0d,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    );
    assert.equal(
      ja4Raw(h, { original: true }),
      't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b_0403,0804,0401,0503,0805,0501,0806,0601',
    );
  });
});

describe('ja4: captured real clients', () => {
  // Pinned from hellos captured on Debian 12 (OpenSSL 3.0.19 s_client, curl 7.88.1) and Node 24.21
  // (OpenSSL 3.5.8). A change here means the parser or the fingerprint changed, not the client.
  const expected: Record<(typeof CLIENT_FIXTURES)[number], string> = {
    'openssl-tls12': 't12i280600_d943125447b4_e7e480e5a997',
    'openssl-tls13': 't13d0411h2_16476d049b0b_78f1d400d464',
    curl: 't13d3112h2_e8f1e7e78f70_b26ce05bbdd6',
    'node-default': 't13d5212h2_b262b3658495_8e6e362c5eac',
    'node-mlkem': 't13d5212h1_b262b3658495_8e6e362c5eac',
    'node-hrr-client': 't13d521100_b262b3658495_8e6e362c5eac',
  };
  for (const name of CLIENT_FIXTURES) {
    it(`${name} → ${expected[name]}`, () => {
      assert.equal(ja4(fixtureHello(name)), expected[name]);
    });
  }

  it('gives one fingerprint per client whatever the key shares (Node default vs. X25519MLKEM768 only)', () => {
    const a = ja4(fixtureHello('node-default')).split('_');
    const b = ja4(fixtureHello('node-mlkem')).split('_');
    assert.deepEqual(a.slice(1), b.slice(1)); // same suites, extensions, signature algorithms
  });

  it('spells the TLS 1.2-only openssl hello: no SNI → i, no ALPN → 00, version from legacy_version', () => {
    const raw = ja4Raw(fixtureHello('openssl-tls12'));
    assert.match(raw, /^t12i280600_/);
    assert.ok(raw.includes('00ff'), 'the renegotiation SCSV counts as a cipher');
  });
});

describe('ja4: rules', () => {
  it('uses the transport letter given', () => {
    const h = hello({ extensions: [Ext.supportedVersions([0x0304])] });
    assert.match(ja4(h, 'q'), /^q13i0101/);
    assert.match(ja4(h, 'd'), /^d13i0101/);
    assert.match(ja4(h), /^t13i0101/);
  });

  it('takes the highest non-GREASE supported_versions entry, ignoring the record and legacy versions', () => {
    const h = hello({
      legacyVersion: 0x0301,
      extensions: [Ext.supportedVersions([0xfafa, 0x0302, 0x0304, 0x0303])],
    });
    assert.match(ja4(h), /^t13/);
  });

  it('falls back to legacy_version without supported_versions', () => {
    const codes: [number, string][] = [
      [0x0303, '12'],
      [0x0302, '11'],
      [0x0301, '10'],
      [0x0300, 's3'],
      [0x0002, 's2'],
      [0xfefd, 'd2'],
      [0x1234, '00'],
    ];
    for (const [v, code] of codes)
      assert.equal(ja4(hello({ legacyVersion: v })).slice(1, 3), code, `0x${v.toString(16)}`);
  });

  it('ranks DTLS versions by meaning, not by number', () => {
    const h = hello({ extensions: [Ext.supportedVersions([0xfeff, 0xfefc, 0xfefd])] });
    assert.equal(ja4(h, 'd').slice(0, 3), 'dd3');
  });

  it('counts ciphers and extensions without GREASE, SNI and ALPN included, capped at 99', () => {
    const h = hello({
      cipherSuites: [0x0a0a, 0x1301, 0x1a1a, 0x1302],
      extensions: [Ext.raw(0x2a2a), Ext.serverName('a.test'), Ext.alpn(['h2']), Ext.raw(0x3a3a)],
    });
    assert.match(ja4(h), /^t12d0202h2_/);
    const many = hello({
      cipherSuites: Array.from({ length: 150 }, (_, i) => 0x0100 + i),
      extensions: Array.from({ length: 120 }, (_, i) => Ext.raw(0x1000 + i)),
    });
    assert.match(ja4(many), /^t12i9999/);
  });

  it('applies the ALPN character rules of the spec, including its hex rule', () => {
    const alpnCode = (name: string) => ja4(hello({ extensions: [Ext.alpn([name, 'zz'])] })).slice(8, 10);
    assert.equal(alpnCode('h2'), 'h2');
    assert.equal(alpnCode('http/1.1'), 'h1');
    assert.equal(alpnCode('x'), 'xx');
    // The spec's examples for first/last bytes that are not alphanumeric:
    assert.equal(alpnCode('\xab'), 'ab');
    assert.equal(alpnCode('\xab\xcd'), 'ad');
    assert.equal(alpnCode('0\xab'), '3b');
    assert.equal(alpnCode('01\xab\xcd'), '3d');
    assert.equal(alpnCode('0\xab\xcd1'), '01');
    assert.equal(ja4(hello({ extensions: [Ext.alpn([])] })).slice(8, 10), '00');
    assert.equal(ja4(hello({ extensions: [Ext.alpn(['', 'h2'])] })).slice(8, 10), '00');
    assert.equal(ja4(hello()).slice(8, 10), '00');
  });

  it('hashes an empty cipher list or extension list as twelve zeros', () => {
    const h = hello({ cipherSuites: [0x0a0a], extensions: [Ext.serverName('a.test')] });
    assert.equal(ja4(h), 't12d000100_000000000000_000000000000');
    assert.equal(ja4Raw(h), 't12d000100__');
  });

  it('leaves the underscore out when there are no signature algorithms', () => {
    const h = hello({ extensions: [Ext.supportedGroups([29])] });
    assert.equal(ja4Raw(h), 't12i010100_1301_000a');
    assert.equal(ja4(h).split('_')[2], sha12('000a'));
  });

  it('drops GREASE from the signature algorithms and keeps their wire order', () => {
    const h = hello({ extensions: [Ext.signatureAlgorithms([0x0804, 0x0a0a, 0x0403])] });
    assert.equal(ja4Raw(h), 't12i010100_1301_000d_0804,0403');
  });
});
