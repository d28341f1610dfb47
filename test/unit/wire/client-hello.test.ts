import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClientHello, encodeClientHello, parseClientHello } from '../../../src/wire/client-hello.ts';
import { decodeClientKeyShares, Ext } from '../../../src/wire/extensions.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { helloBody, readFixture } from './helpers.ts';

/** The ClientHello body inside a single-record fixture (record header 5 + handshake header 4). */
function fixtureBody(name: string): { body: Uint8Array; recordVersion: number } {
  const bytes = readFixture(`client-hello-${name}`);
  assert.equal(bytes[0], 22);
  assert.equal(bytes[5], 1);
  const length = (bytes[6]! << 16) | (bytes[7]! << 8) | bytes[8]!;
  return { body: bytes.subarray(9, 9 + length), recordVersion: (bytes[1]! << 8) | bytes[2]! };
}

function parsed(name: string): ClientHello {
  const { body, recordVersion } = fixtureBody(name);
  const r = parseClientHello(body, recordVersion);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function parseOk(body: Uint8Array): ClientHello {
  const r = parseClientHello(body);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function parseError(body: Uint8Array): string {
  const r = parseClientHello(body);
  assert.equal(r.ok, false, 'expected a parse error');
  return (r as { error: string }).error;
}

describe('parseClientHello: captured hellos', () => {
  it('openssl s_client -tls1_2: no SNI, no ALPN, no supported_versions, renegotiation SCSV', () => {
    const h = parsed('openssl-tls12');
    assert.equal(h.recordVersion, 0x0301);
    assert.equal(h.legacyVersion, 0x0303);
    assert.equal(h.random.length, 32);
    assert.equal(h.serverName, undefined);
    assert.deepEqual(h.alpn, []);
    assert.deepEqual(h.supportedVersions, []);
    assert.equal(h.cipherSuites.length, 28);
    assert.ok(h.cipherSuites.includes(0xc02f));
    assert.equal(h.cipherSuites.at(-1), 0x00ff, 'OpenSSL puts TLS_EMPTY_RENEGOTIATION_INFO_SCSV last');
    assert.equal(h.hasRenegotiationInfo, true);
    assert.equal(h.hasFallbackScsv, false);
    assert.deepEqual(h.compressionMethods, [0]);
    assert.deepEqual(h.ecPointFormats, [0, 1, 2]);
    assert.deepEqual(h.supportedGroups.slice(0, 3), [0x001d, 0x0017, 0x001e]);
    assert.deepEqual(h.keyShareGroups, []);
    assert.deepEqual(
      h.extensions.map((e) => e.type),
      [11, 10, 35, 22, 23, 13],
    );
    assert.deepEqual(h.sessionTicket, new Uint8Array(0), 'empty SessionTicket: asks for a new ticket');
  });

  it('openssl s_client -tls1_3 -servername a.test -alpn h2,http/1.1', () => {
    const h = parsed('openssl-tls13');
    assert.equal(h.serverName, 'a.test');
    assert.deepEqual(h.alpn, ['h2', 'http/1.1']);
    assert.deepEqual(h.supportedVersions, [0x0304]);
    assert.deepEqual(h.cipherSuites, [0x1302, 0x1303, 0x1301, 0x00ff]);
    assert.deepEqual(h.keyShareGroups, [0x001d]);
    assert.deepEqual(h.pskKeyExchangeModes, [1]);
    assert.equal(h.sessionId.length, 32, 'middlebox-compatibility session id');
    assert.ok(h.signatureAlgorithms.includes(0x0804));
    assert.deepEqual(h.pskIdentities, []);
  });

  it('curl offers TLS 1.3 down to 1.0 and pads its hello to 512 bytes', () => {
    const h = parsed('curl');
    assert.equal(h.serverName, 'a.test');
    assert.deepEqual(h.alpn, ['h2', 'http/1.1']);
    assert.deepEqual(h.supportedVersions, [0x0304, 0x0303, 0x0302, 0x0301]);
    assert.ok(
      h.extensions.some((e) => e.type === 21),
      'padding extension',
    );
    assert.equal(fixtureBody('curl').body.length + 4, 512);
  });

  it('Node 24 with ecdhCurve X25519MLKEM768:X25519 sends one 1216-byte hybrid key share', () => {
    const h = parsed('node-mlkem');
    assert.deepEqual(h.keyShareGroups, [0x11ec]);
    assert.deepEqual(h.supportedGroups, [0x11ec, 0x001d]);
    const shares = decodeClientKeyShares(h.extensions.find((e) => e.type === 51)!.data)!;
    assert.equal(shares[0]!.keyExchange.length, 1216);
    assert.deepEqual(h.supportedVersions, [0x0304, 0x0303]);
    assert.deepEqual(h.alpn, ['http/1.1']);
  });

  it('Node 24 by default already sends X25519MLKEM768 and X25519 key shares', () => {
    const h = parsed('node-default');
    assert.deepEqual(h.keyShareGroups, [0x11ec, 0x001d]);
  });

  it('is zero-copy: random, session id and extension data are views into the input', () => {
    const { body } = fixtureBody('openssl-tls13');
    const h = parseOk(body);
    assert.equal(h.random.buffer, body.buffer);
    assert.equal(h.sessionId.buffer, body.buffer);
    for (const e of h.extensions) assert.equal(e.data.buffer, body.buffer);
  });

  it('re-encodes a captured hello byte for byte', () => {
    for (const name of ['openssl-tls12', 'openssl-tls13', 'curl', 'node-mlkem']) {
      const { body } = fixtureBody(name);
      const h = parseOk(body);
      assert.deepEqual(encodeClientHello(h), body, name);
    }
  });
});

describe('parseClientHello: fields', () => {
  it('lower-cases the SNI host_name', () => {
    assert.equal(
      parseOk(helloBody({ extensions: [Ext.serverName('WWW.Example.COM')] })).serverName,
      'www.example.com',
    );
  });

  it('reads psk identities, session tickets, fallback SCSV and renegotiation_info', () => {
    const psk = new Writer()
      .block(2, (ids) => ids.block(2, (i) => i.bytes(Uint8Array.of(1, 2, 3))).u32(0xdeadbeef))
      .block(2, (b) => b.block(1, (x) => x.bytes(new Uint8Array(32))))
      .finish();
    const h = parseOk(
      helloBody({
        cipherSuites: [0x1301, 0x5600],
        extensions: [Ext.sessionTicket(Uint8Array.of(9, 9)), Ext.renegotiationInfo(), Ext.raw(41, psk)],
      }),
    );
    assert.deepEqual(h.pskIdentities, [Uint8Array.of(1, 2, 3)]);
    assert.deepEqual(h.sessionTicket, Uint8Array.of(9, 9));
    assert.equal(h.hasFallbackScsv, true);
    assert.equal(h.hasRenegotiationInfo, true);
  });

  it('accepts a hello with no extensions block at all (SSL 3.0 style)', () => {
    const h = parseOk(
      encodeClientHello({ legacyVersion: 0x0300, random: new Uint8Array(32), cipherSuites: [0x000a] }),
    );
    assert.deepEqual(h.extensions, []);
    assert.equal(h.serverName, undefined);
    assert.equal(h.sessionTicket, undefined);
  });

  it('keeps GREASE in wire order in the raw lists', () => {
    const h = parseOk(
      helloBody({
        cipherSuites: [0x0a0a, 0x1301],
        extensions: [Ext.raw(0x1a1a), Ext.supportedVersions([0x2a2a, 0x0304])],
      }),
    );
    assert.deepEqual(h.cipherSuites, [0x0a0a, 0x1301]);
    assert.deepEqual(
      h.extensions.map((e) => e.type),
      [0x1a1a, 43],
    );
    assert.deepEqual(h.supportedVersions, [0x2a2a, 0x0304]);
  });
});

describe('parseClientHello: errors', () => {
  it('fails on every truncation of a real hello', () => {
    const { body } = fixtureBody('openssl-tls13');
    for (let n = 0; n < body.length; n++) {
      const r = parseClientHello(body.subarray(0, n));
      // A cut right after compression_methods is a valid extension-less hello; nothing else is.
      if (n === 2 + 32 + 1 + 32 + 2 + 8 + 1 + 1) continue;
      assert.equal(r.ok, false, `cut at ${n}`);
    }
  });

  it('explains structural problems', () => {
    const body = helloBody({ sessionId: new Uint8Array(33) });
    assert.match(parseError(body), /session_id is 33 bytes/);
    const odd = new Writer()
      .u16(0x0303)
      .bytes(new Uint8Array(32))
      .u8(0)
      .u16(3)
      .bytes(Uint8Array.of(0x13, 1, 0));
    assert.match(parseError(odd.u8(1).u8(0).finish()), /cipher_suites has an odd length/);
    assert.match(
      parseError(helloBody({ extensions: [Ext.raw(23), Ext.raw(23)] })),
      /repeats extension extended_master_secret/,
    );
    // Types above 63: a repeat among a few, and among many (past the short list, into the set).
    assert.match(
      parseError(helloBody({ extensions: [Ext.raw(17513), Ext.raw(65037), Ext.raw(17513)] })),
      /repeats/,
    );
    const many = Array.from({ length: 40 }, (_, i) => Ext.raw(1000 + i));
    assert.equal(parseClientHello(helloBody({ extensions: many })).ok, true, 'forty distinct ones');
    assert.match(parseError(helloBody({ extensions: [...many, Ext.raw(1003)] })), /repeats/);
    assert.match(parseError(helloBody({ extensions: [...many, Ext.raw(1039)] })), /repeats/);
    assert.match(
      parseError(helloBody({ extensions: [Ext.raw(0xff01), Ext.renegotiationInfo()] })),
      /malformed renegotiation_info/,
    );
    const trailing = new Uint8Array([...helloBody({ extensions: [Ext.raw(23)] }), 0]);
    assert.match(parseError(trailing), /1 bytes after the extensions/);
  });

  it('refuses server names that are not printable ASCII or repeat', () => {
    assert.match(parseError(helloBody({ extensions: [Ext.serverName('bad\0name')] })), /not printable ASCII/);
    assert.match(
      parseError(helloBody({ extensions: [Ext.serverName('caf\xe9.test')] })),
      /not printable ASCII/,
    );
    assert.match(parseError(helloBody({ extensions: [Ext.serverName('')] })), /host_name is empty/);
    const two = new Writer()
      .block(2, (l) =>
        l
          .u8(0)
          .block(2, (n) => n.bytes(Uint8Array.of(0x61)))
          .u8(0)
          .block(2, (n) => n.bytes(Uint8Array.of(0x62))),
      )
      .finish();
    assert.match(parseError(helloBody({ extensions: [Ext.raw(0, two)] })), /more than one host_name/);
  });

  it('names the extension whose body is malformed', () => {
    for (const [type, name] of [
      [10, 'supported_groups'],
      [13, 'signature_algorithms'],
      [16, 'application_layer_protocol_negotiation'],
      [43, 'supported_versions'],
      [51, 'key_share'],
      [41, 'pre_shared_key'],
    ] as const) {
      assert.match(
        parseError(helloBody({ extensions: [Ext.raw(type, Uint8Array.of(0, 5, 1))] })),
        new RegExp(name),
      );
    }
  });
});
