import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Ext } from '../../../src/wire/extensions.ts';
import { readHandshakeMessages } from '../../../src/wire/handshake.ts';
import { readRecords } from '../../../src/wire/record.ts';
import {
  encodeServerHello,
  HELLO_RETRY_REQUEST_RANDOM,
  parseServerHello,
  type ServerHello,
} from '../../../src/wire/server-hello.ts';
import { readFixture } from './helpers.ts';

/** The first handshake message of a captured server flight. */
function serverHelloOf(name: string): { hello: ServerHello; body: Uint8Array; recordTypes: number[] } {
  const { records } = readRecords(readFixture(`server-hello-${name}`));
  const { messages } = readHandshakeMessages(records[0]!.fragment);
  assert.equal(messages[0]!.type, 2);
  const r = parseServerHello(messages[0]!.body);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return { hello: r.value, body: messages[0]!.body, recordTypes: records.map((x) => x.header.type) };
}

describe('parseServerHello: captured from a Node 24 server', () => {
  it('TLS 1.2 (server maxVersion TLSv1.2, openssl -tls1_2 client)', () => {
    const { hello } = serverHelloOf('tls12');
    assert.equal(hello.legacyVersion, 0x0303);
    assert.equal(hello.selectedVersion, 0x0303);
    assert.equal(hello.cipherSuite, 0xc02b, 'ECDHE-ECDSA-AES128-GCM-SHA256 for the P-256 key');
    assert.equal(hello.compressionMethod, 0);
    assert.equal(hello.isHelloRetryRequest, false);
    assert.equal(hello.extendedMasterSecret, true);
    assert.equal(hello.renegotiationInfo, true);
    assert.equal(hello.sessionTicketAck, true);
    assert.equal(hello.keyShareGroup, undefined);
    assert.equal(hello.alpn, undefined);
    assert.equal(hello.downgradeSentinel, undefined, 'a TLS 1.2-only server sets no sentinel');
  });

  it('TLS 1.2 from a TLS 1.3-capable server carries the RFC 8446 downgrade sentinel', () => {
    const { hello } = serverHelloOf('tls12-downgrade');
    assert.equal(hello.selectedVersion, 0x0303);
    assert.equal(hello.downgradeSentinel, 'tls12');
  });

  it('TLS 1.3: version from supported_versions, key_share group, then CCS and encrypted records', () => {
    const { hello, recordTypes } = serverHelloOf('tls13');
    assert.equal(hello.legacyVersion, 0x0303);
    assert.equal(hello.selectedVersion, 0x0304);
    assert.equal(hello.keyShareGroup, 0x001d);
    assert.equal(hello.isHelloRetryRequest, false);
    assert.equal(hello.sessionId.length, 32, 'echoes the client legacy_session_id');
    assert.ok([0x1301, 0x1302, 0x1303].includes(hello.cipherSuite));
    assert.deepEqual(hello.extensions.map((e) => e.type).sort(), [43, 51]);
    assert.equal(recordTypes[1], 20);
    assert.ok(recordTypes.slice(2).every((t) => t === 23));
  });

  it('HelloRetryRequest: server ecdhCurve P-384, client ecdhCurve X25519:P-384', () => {
    const { hello, recordTypes } = serverHelloOf('hrr');
    assert.equal(hello.isHelloRetryRequest, true);
    assert.deepEqual(hello.random, HELLO_RETRY_REQUEST_RANDOM);
    assert.equal(hello.keyShareGroup, 0x0018, 'selected_group secp384r1');
    assert.equal(hello.selectedVersion, 0x0304);
    assert.deepEqual(recordTypes, [22, 20]);
  });

  it('re-encodes the captured ServerHellos byte for byte', () => {
    for (const name of ['tls12', 'tls13', 'hrr']) {
      const { hello, body } = serverHelloOf(name);
      assert.deepEqual(encodeServerHello(hello), body, name);
    }
  });
});

describe('parseServerHello: rules', () => {
  it('knows the HelloRetryRequest random is SHA-256("HelloRetryRequest")', () => {
    assert.deepEqual(
      HELLO_RETRY_REQUEST_RANDOM,
      new Uint8Array(createHash('sha256').update('HelloRetryRequest').digest()),
    );
  });

  it('reads ALPN, pre_shared_key and the TLS 1.1 sentinel', () => {
    const random = new Uint8Array(32);
    random.set([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00], 24);
    const body = encodeServerHello({
      random,
      cipherSuite: 0x1301,
      extensions: [Ext.alpn(['h2']), Ext.raw(41, Uint8Array.of(0, 1)), Ext.supportedVersions([])],
    });
    // supported_versions in a ServerHello is a bare u16; Ext.supportedVersions builds the client form.
    const fixed = encodeServerHello({
      random,
      cipherSuite: 0x1301,
      extensions: [Ext.alpn(['h2']), Ext.raw(41, Uint8Array.of(0, 1)), Ext.raw(43, Uint8Array.of(3, 4))],
    });
    assert.match((parseServerHello(body) as { error: string }).error, /malformed supported_versions/);
    const r = parseServerHello(fixed);
    assert.ok(r.ok);
    assert.equal(r.value.alpn, 'h2');
    assert.equal(r.value.pskSelectedIdentity, 1);
    assert.equal(r.value.selectedVersion, 0x0304);
    assert.equal(r.value.downgradeSentinel, 'tls11');
  });

  it('refuses ALPN with other than one protocol, and other malformed bodies', () => {
    const bad = (ext: ReturnType<typeof Ext.raw>) =>
      parseServerHello(
        encodeServerHello({ random: new Uint8Array(32), cipherSuite: 0x1301, extensions: [ext] }),
      );
    assert.equal(bad(Ext.alpn(['h2', 'http/1.1'])).ok, false);
    assert.equal(bad(Ext.raw(35, Uint8Array.of(1))).ok, false);
    assert.equal(bad(Ext.raw(23, Uint8Array.of(1))).ok, false);
    assert.equal(bad(Ext.raw(51, Uint8Array.of(0))).ok, false);
  });

  it('accepts an extension-less (SSL 3.0 style) ServerHello and fails every truncation', () => {
    const body = encodeServerHello({
      legacyVersion: 0x0300,
      random: new Uint8Array(32),
      cipherSuite: 0x000a,
    });
    const r = parseServerHello(body);
    assert.ok(r.ok);
    assert.equal(r.value.selectedVersion, 0x0300);
    for (let n = 0; n < body.length; n++) assert.equal(parseServerHello(body.subarray(0, n)).ok, false);
    const { body: real } = serverHelloOf('tls13');
    for (let n = 0; n < real.length; n++) {
      if (n === 2 + 32 + 1 + 32 + 3) continue; // a valid extension-less ServerHello
      assert.equal(parseServerHello(real.subarray(0, n)).ok, false, `cut at ${n}`);
    }
  });
});
