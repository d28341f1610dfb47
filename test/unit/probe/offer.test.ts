import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeOffer, groupsFor, type HelloMaterial, suitesFor } from '../../../src/probe/offer.ts';
import { suiteById } from '../../../src/tls/index.ts';
import { parseClientHello } from '../../../src/wire/client-hello.ts';
import { decodeClientKeyShares, findExtension } from '../../../src/wire/extensions.ts';
import { readHandshakeMessages } from '../../../src/wire/handshake.ts';
import { readRecords } from '../../../src/wire/record.ts';

const material: HelloMaterial = {
  random: new Uint8Array(32).fill(1),
  sessionId: new Uint8Array(32).fill(2),
  shareFor: (g) =>
    g === 29 ? new Uint8Array(32).fill(3) : g === 23 ? new Uint8Array(65).fill(4) : undefined,
};

function decode(bytes: Uint8Array) {
  const { records, rest } = readRecords(bytes);
  assert.equal(rest, 0);
  const joined = Buffer.concat(records.map((r) => r.fragment));
  const [msg] = readHandshakeMessages(joined).messages;
  assert.equal(msg?.type, 1);
  const hello = parseClientHello(msg!.body, records[0]!.header.version);
  assert.ok(hello.ok, hello.ok ? '' : hello.error);
  return hello.value;
}

describe('encodeOffer', () => {
  it('writes a TLS 1.3 hello: supported_versions [1.3], SNI, key shares only for listed groups with a share', () => {
    const h = decode(
      encodeOffer(
        {
          version: 0x0304,
          suites: [0x1301, 0x1302],
          sni: 'a.test',
          groups: [0x11ec, 29, 23],
          keyShares: [0x11ec, 29, 23],
        },
        material,
      ),
    );
    assert.equal(h.recordVersion, 0x0301);
    assert.equal(h.legacyVersion, 0x0303);
    assert.deepEqual(h.supportedVersions, [0x0304]);
    assert.equal(h.serverName, 'a.test');
    assert.deepEqual(h.cipherSuites, [0x1301, 0x1302]);
    assert.deepEqual(h.supportedGroups, [0x11ec, 29, 23]);
    // No share can be made for 0x11ec with this material: the entry is left out, not sent empty.
    assert.deepEqual(h.keyShareGroups, [29, 23]);
    const shares = decodeClientKeyShares(findExtension(h.extensions, 51)!.data)!;
    assert.equal(shares[1]!.keyExchange.length, 65);
    assert.equal(h.sessionId.length, 32);
  });

  it('writes a TLS 1.2 hello with the probe extensions and the fallback SCSV', () => {
    const h = decode(
      encodeOffer(
        {
          version: 0x0303,
          suites: [0xc02b],
          compression: [1, 0],
          heartbeat: true,
          statusRequest: true,
          alpn: ['h2'],
          fallbackScsv: true,
        },
        material,
      ),
    );
    assert.equal(h.legacyVersion, 0x0303);
    assert.deepEqual(h.supportedVersions, []);
    assert.deepEqual(h.cipherSuites, [0xc02b, 0x5600]);
    assert.equal(h.hasFallbackScsv, true);
    assert.deepEqual(h.compressionMethods, [1, 0]);
    assert.deepEqual(h.alpn, ['h2']);
    assert.equal(h.hasRenegotiationInfo, true);
    assert.ok(findExtension(h.extensions, 15), 'heartbeat');
    assert.ok(findExtension(h.extensions, 5), 'status_request');
    assert.ok(findExtension(h.extensions, 23), 'extended_master_secret');
    assert.ok(h.signatureAlgorithms.length > 10);
    assert.ok(h.serverName === undefined);
    assert.equal(h.sessionId.length, 0);
  });

  it('writes SSL 3.0 the old way: record version 3.0, no extensions, the renegotiation SCSV', () => {
    const h = decode(encodeOffer({ version: 0x0300, suites: [0x000a], sni: 'ignored.test' }, material));
    assert.equal(h.recordVersion, 0x0300);
    assert.equal(h.legacyVersion, 0x0300);
    assert.equal(h.extensions.length, 0);
    assert.deepEqual(h.cipherSuites, [0x000a, 0x00ff]);
  });

  it('offers TLS 1.0/1.1 no signature_algorithms (they did not exist)', () => {
    const h = decode(encodeOffer({ version: 0x0301, suites: [0xc013] }, material));
    assert.equal(h.legacyVersion, 0x0301);
    assert.equal(findExtension(h.extensions, 13), undefined);
  });
});

describe('candidates per version', () => {
  it('TLS 1.3 offers only TLS 1.3 suites; TLS 1.0 none of the TLS 1.2-only ones; no SCSVs anywhere', () => {
    assert.ok(suitesFor(0x0304).every((s) => s.versions === 'tls13'));
    assert.ok(suitesFor(0x0301).every((s) => s.versions === 'legacy'));
    assert.ok(suitesFor(0x0303).every((s) => s.versions !== 'tls13' && !s.signalling));
    assert.ok(suitesFor(0x0303).length > 150, 'every registered TLS 1.2 suite');
  });

  it('orders the offer AEAD with forward secrecy first and weak suites last', () => {
    const list = suitesFor(0x0303);
    assert.equal(list[0]!.strength, 'strong');
    assert.equal(list[0]!.pfs, true);
    assert.equal(list[list.length - 1]!.strength, 'weak');
    const firstCbc = list.findIndex((s) => s.strength === 'cbc');
    const lastStrong = list.map((s) => s.strength).lastIndexOf('strong');
    assert.ok(lastStrong < firstCbc);
  });

  it('groups: TLS 1.3 drops the legacy curves, TLS 1.2 drops the TLS 1.3-only groups', () => {
    assert.ok(groupsFor(0x0304).includes(0x11ec));
    assert.ok(!groupsFor(0x0304).includes(19));
    assert.ok(groupsFor(0x0303).includes(19));
    assert.ok(!groupsFor(0x0303).includes(0x11ec));
  });

  it('names every candidate suite in the registry', () => {
    for (const s of suitesFor(0x0303)) assert.equal(suiteById(s.id)?.iana, s.iana);
  });
});
