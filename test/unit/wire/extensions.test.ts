import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeAlpn,
  decodeClientKeyShareGroups,
  decodeClientKeyShares,
  decodePskIdentities,
  decodeServerKeyShare,
  decodeServerName,
  decodeU8List8,
  decodeU16List8,
  decodeU16List16,
  Ext,
  findExtension,
} from '../../../src/wire/extensions.ts';

describe('extension codecs', () => {
  it('round-trips server_name, lower-casing', () => {
    assert.deepEqual(decodeServerName(Ext.serverName('A.Test').data), { ok: true, hostName: 'a.test' });
    assert.equal(decodeServerName(Uint8Array.of(0, 0)).ok, false, 'empty list');
    assert.equal(decodeServerName(Uint8Array.of(0, 4, 0, 0, 9, 0x61)).ok, false, 'truncated name');
  });

  it('skips server_name entries of unknown name types', () => {
    const data = Uint8Array.of(0, 8, 7, 0, 1, 0x7a, 0, 0, 1, 0x61);
    assert.deepEqual(decodeServerName(data), { ok: true, hostName: 'a' });
  });

  it('round-trips ALPN byte for byte', () => {
    assert.deepEqual(decodeAlpn(Ext.alpn(['h2', 'http/1.1', '\xff\x00']).data), [
      'h2',
      'http/1.1',
      '\xff\x00',
    ]);
    assert.equal(decodeAlpn(Uint8Array.of(0, 3, 5, 0x68, 0x32)), undefined);
    assert.equal(decodeAlpn(Uint8Array.of(0, 0, 9)), undefined, 'trailing bytes');
  });

  it('round-trips the list-shaped extensions', () => {
    assert.deepEqual(decodeU16List8(Ext.supportedVersions([0x0304, 0x0303]).data), [0x0304, 0x0303]);
    assert.deepEqual(decodeU16List16(Ext.supportedGroups([29, 23]).data), [29, 23]);
    assert.deepEqual(decodeU16List16(Ext.signatureAlgorithms([0x0804]).data), [0x0804]);
    assert.deepEqual(decodeU8List8(Ext.pskKeyExchangeModes([1]).data), [1]);
    assert.deepEqual(decodeU8List8(Ext.ecPointFormats([0, 1, 2]).data), [0, 1, 2]);
    assert.equal(decodeU16List8(Uint8Array.of(3, 3, 4, 3)), undefined, 'odd length');
    assert.equal(decodeU16List16(Uint8Array.of(0, 2, 0, 1, 0)), undefined, 'trailing byte');
    assert.equal(decodeU16List16(Uint8Array.of(0, 4, 0, 1)), undefined, 'list longer than the body');
    assert.equal(decodeU16List16(Uint8Array.of(0)), undefined, 'no room for the length');
    assert.equal(decodeU8List8(Uint8Array.of(2, 1)), undefined, 'u8 list longer than the body');
    assert.deepEqual(decodeU8List8(Uint8Array.of(0)), [], 'empty list');
  });

  it('round-trips key shares, client and server, and the HelloRetryRequest form', () => {
    const shares = [
      { group: 29, keyExchange: new Uint8Array(32).fill(1) },
      { group: 0x11ec, keyExchange: new Uint8Array(1216).fill(2) },
    ];
    assert.deepEqual(decodeClientKeyShares(Ext.keyShare(shares).data), shares);
    assert.deepEqual(decodeClientKeyShareGroups(Ext.keyShare(shares).data), [29, 0x11ec]);
    const cut = Ext.keyShare(shares).data.subarray(0, 40);
    assert.equal(decodeClientKeyShareGroups(cut), undefined, 'length prefix beyond the body');
    // The list's length is right, but an entry's key runs past it.
    assert.equal(decodeClientKeyShareGroups(Uint8Array.of(0, 6, 0, 29, 0, 3, 1, 2)), undefined);
    assert.equal(decodeClientKeyShareGroups(Uint8Array.of(0, 3, 0, 29, 0)), undefined, 'half an entry');
    assert.deepEqual(decodeClientKeyShareGroups(Uint8Array.of(0, 5, 0, 29, 0, 1, 9)), [29], 'exact');
    assert.deepEqual(decodeServerKeyShare(Uint8Array.of(0, 29, 0, 1, 7), false), {
      group: 29,
      keyExchange: Uint8Array.of(7),
    });
    assert.deepEqual(decodeServerKeyShare(Uint8Array.of(0, 24), true)?.group, 24);
    assert.equal(decodeServerKeyShare(Uint8Array.of(0, 24), false), undefined);
  });

  it('reads pre_shared_key identities and checks the binders are well formed', () => {
    const data = Uint8Array.of(0, 8, 0, 2, 0xab, 0xcd, 0, 0, 0, 1, 0, 3, 2, 0xee, 0xee);
    assert.deepEqual(decodePskIdentities(data), [Uint8Array.of(0xab, 0xcd)]);
    assert.equal(decodePskIdentities(data.subarray(0, data.length - 1)), undefined);
  });

  it('finds extensions by type', () => {
    const exts = [Ext.raw(1), Ext.raw(2, Uint8Array.of(1)), Ext.raw(2)];
    assert.deepEqual(findExtension(exts, 2)?.data, Uint8Array.of(1));
    assert.equal(findExtension(exts, 3), undefined);
  });
});
