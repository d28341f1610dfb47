import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ext } from '../../../src/wire/extensions.ts';
import { encodeHandshake, HandshakeType } from '../../../src/wire/handshake.ts';
import { ContentType, encodeRecord, encodeRecords } from '../../../src/wire/record.ts';
import { type SniffResult, sniffClientHello } from '../../../src/wire/sniff.ts';
import { ascii, CLIENT_FIXTURES, concatBytes, helloBody, helloRecords, readFixture } from './helpers.ts';

const LIMIT = 16384;
const sniff = (bytes: Uint8Array, max = LIMIT) => sniffClientHello(bytes, max);

function expectHello(r: SniffResult) {
  assert.equal(r.kind, 'client-hello', JSON.stringify(r));
  return r as Extract<SniffResult, { kind: 'client-hello' }>;
}

/** Feeds bytes as successive TCP reads of the given sizes, as the accept path does. */
function feed(
  bytes: Uint8Array,
  sizes: readonly number[],
  max = LIMIT,
): { reads: number; result: SniffResult } {
  let have = 0;
  let reads = 0;
  for (const size of sizes) {
    have = Math.min(bytes.length, have + size);
    reads++;
    const r = sniff(bytes.subarray(0, have), max);
    if (r.kind !== 'need-more') return { reads, result: r };
    if (have === bytes.length) break;
  }
  return { reads, result: sniff(bytes.subarray(0, have), max) };
}

describe('sniffClientHello: real clients', () => {
  for (const name of CLIENT_FIXTURES) {
    it(`recognises the ${name} hello and consumes exactly its records`, () => {
      const bytes = readFixture(`client-hello-${name}`);
      const r = expectHello(sniff(bytes));
      assert.equal(r.consumed, bytes.length);
      assert.equal(r.hello.recordVersion >> 8, 3);
    });
  }

  it('waits through every prefix of the 1.5 KB X25519MLKEM768 hello, then completes', () => {
    const bytes = readFixture('client-hello-node-mlkem');
    assert.ok(bytes.length > 1400, `hello is ${bytes.length} bytes`);
    for (let n = 0; n < bytes.length; n++)
      assert.equal(sniff(bytes.subarray(0, n)).kind, 'need-more', `prefix ${n}`);
    const r = expectHello(sniff(bytes));
    assert.deepEqual(r.hello.keyShareGroups, [0x11ec]);
    const share = r.hello.extensions.find((e) => e.type === 51)!;
    assert.equal(share.data.length, 2 + 2 + 2 + 1216, 'one 1216-byte hybrid key share');
  });

  it('completes the 1.5 KB hello over several reads of typical sizes', () => {
    const bytes = readFixture('client-hello-node-mlkem');
    for (const sizes of [
      [5, 1000, 1000],
      [1, 1, 3, 500, 500, 1000],
      [1448, 1448],
      [1024, 1024],
    ]) {
      const { reads, result } = feed(bytes, sizes);
      expectHello(result);
      assert.ok(reads >= 2, `took ${reads} reads with ${sizes}`);
    }
  });

  it('reports only the hello records as consumed when more bytes follow', () => {
    const bytes = readFixture('client-hello-openssl-tls13');
    const ccs = encodeRecord(ContentType.changeCipherSpec, 0x0303, Uint8Array.of(1));
    const r = expectHello(sniff(concatBytes(bytes, ccs, ascii('early'))));
    assert.equal(r.consumed, bytes.length);
  });
});

describe('sniffClientHello: fragmented hellos', () => {
  const spec = {
    extensions: [Ext.serverName('Frag.Example'), Ext.alpn(['h2']), Ext.supportedVersions([0x0304])],
  };

  it('joins a hello split over two handshake records', () => {
    const body = helloBody(spec);
    const message = encodeHandshake(HandshakeType.clientHello, body);
    const cut = 20;
    const bytes = concatBytes(
      encodeRecord(22, 0x0301, message.subarray(0, cut)),
      encodeRecord(22, 0x0303, message.subarray(cut)),
    );
    const r = expectHello(sniff(bytes));
    assert.equal(r.consumed, bytes.length);
    assert.equal(r.hello.serverName, 'frag.example');
    assert.equal(r.hello.recordVersion, 0x0301, 'version of the first record');
    assert.equal(sniff(bytes.subarray(0, 5 + cut + 5 + 3)).kind, 'need-more');
  });

  it('joins a hello whose handshake header itself straddles records (1-byte fragments)', () => {
    const bytes = helloRecords(spec, 1);
    const r = expectHello(sniff(bytes));
    assert.equal(r.hello.serverName, 'frag.example');
    assert.equal(r.consumed, bytes.length);
  });

  it('refuses a hello whose records do not fit in maxBytes', () => {
    const bytes = helloRecords(spec, 8); // 5 bytes of header per 8 bytes of hello
    const max = Math.floor(bytes.length * 0.8); // room for the hello itself, not for all its headers
    assert.equal(sniff(bytes, bytes.length).kind, 'client-hello');
    const r = sniff(bytes, max);
    assert.equal(r.kind, 'malformed');
    assert.match(
      (r as { detail: string }).detail,
      new RegExp(`no complete ClientHello in the first ${max} bytes`),
    );
    assert.equal(sniff(bytes.subarray(0, max - 1), max).kind, 'need-more');
    assert.equal(sniff(bytes.subarray(0, max), max).kind, 'malformed');
  });

  it('refuses at once a hello that declares more than maxBytes', () => {
    const bytes = readFixture('client-hello-node-mlkem');
    const r = sniff(bytes.subarray(0, 9), 1024);
    assert.equal(r.kind, 'malformed');
    assert.match((r as { detail: string }).detail, /ClientHello of 1545 bytes exceeds the 1024-byte limit/);
  });
});

describe('sniffClientHello: not TLS', () => {
  it('recognises HTTP/1.x request lines and the h2c preface as soon as they are certain', () => {
    const methods = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];
    for (const m of methods) {
      const line = ascii(`${m} / HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.deepEqual(sniff(line), { kind: 'http', method: m });
      for (let n = 1; n <= m.length; n++)
        assert.equal(sniff(line.subarray(0, n)).kind, 'need-more', `${m} prefix ${n}`);
    }
    const preface = ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    assert.deepEqual(sniff(preface), { kind: 'http', method: 'PRI' });
    assert.equal(sniff(preface.subarray(0, 13)).kind, 'need-more');
  });

  it('says not-tls once a text prefix stops matching any request line', () => {
    assert.deepEqual(sniff(ascii('G')), { kind: 'need-more' });
    assert.deepEqual(sniff(ascii('GX')), { kind: 'not-tls', detail: 'first byte 0x47' });
    assert.deepEqual(sniff(ascii('get / HTTP/1.1')), { kind: 'not-tls', detail: 'first byte 0x67' });
    assert.deepEqual(sniff(ascii('GET/')), { kind: 'not-tls', detail: 'first byte 0x47' });
  });

  it('names SSH, PROXY protocol and SSLv2-compatible hellos', () => {
    assert.deepEqual(sniff(ascii('SSH-2.0-OpenSSH_9.2\r\n')), { kind: 'not-tls', detail: 'SSH banner' });
    assert.deepEqual(sniff(ascii('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n')), {
      kind: 'not-tls',
      detail: 'PROXY protocol v1 header',
    });
    assert.deepEqual(sniff(ascii('\r\n\r\n\0\r\nQUIT\n!')), {
      kind: 'not-tls',
      detail: 'PROXY protocol v2 header',
    });
    // SSLv2 record header (2-byte length, top bit set), CLIENT-HELLO, version 3.1, ...
    const v2 = Uint8Array.of(0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10);
    assert.deepEqual(sniff(v2.subarray(0, 2)), { kind: 'need-more' });
    assert.deepEqual(sniff(v2), { kind: 'not-tls', detail: 'SSLv2-compatible ClientHello' });
  });

  it('says not-tls for junk and for 0x16 that is not followed by a TLS version', () => {
    assert.deepEqual(sniff(Uint8Array.of(0x00, 0x01)), { kind: 'not-tls', detail: 'first byte 0x00' });
    assert.deepEqual(sniff(Uint8Array.of(0xff, 0xff, 0xff)), { kind: 'not-tls', detail: 'first byte 0xff' });
    assert.equal(sniff(Uint8Array.of(0x16, 0x01, 0x00)).kind, 'not-tls');
    assert.deepEqual(sniff(new Uint8Array(0)), { kind: 'need-more' });
    assert.deepEqual(sniff(Uint8Array.of(0x16)), { kind: 'need-more' });
  });
});

describe('sniffClientHello: broken TLS', () => {
  const detail = (r: SniffResult) => (r as { detail?: string }).detail ?? '';

  it('calls a TLS record of another content type first malformed', () => {
    const alert = encodeRecord(ContentType.alert, 0x0303, Uint8Array.of(2, 40));
    assert.equal(sniff(alert).kind, 'malformed');
    assert.match(detail(sniff(alert)), /alert record where a ClientHello was expected/);
    const appData = encodeRecord(ContentType.applicationData, 0x0303, ascii('x'));
    assert.match(detail(sniff(appData)), /application_data record/);
  });

  it('calls a first handshake message that is not a ClientHello malformed', () => {
    const sh = encodeRecords(22, 0x0303, encodeHandshake(HandshakeType.serverHello, new Uint8Array(40)));
    const r = sniff(sh);
    assert.equal(r.kind, 'malformed');
    assert.match(detail(r), /first handshake message is server_hello, not a ClientHello/);
  });

  it('calls a hello interrupted by another record type malformed', () => {
    const whole = readFixture('client-hello-curl');
    const message = whole.subarray(5);
    const bytes = concatBytes(
      encodeRecord(22, 0x0301, message.subarray(0, 100)),
      encodeRecord(ContentType.changeCipherSpec, 0x0303, Uint8Array.of(1)),
      encodeRecord(22, 0x0301, message.subarray(100)),
    );
    assert.match(detail(sniff(bytes)), /change_cipher_spec record before the ClientHello was complete/);
  });

  it('refuses empty and oversize handshake records', () => {
    assert.match(detail(sniff(Uint8Array.of(0x16, 3, 1, 0, 0))), /empty handshake record/);
    assert.match(detail(sniff(Uint8Array.of(0x16, 3, 1, 0x40, 1))), /record length 16385 exceeds 16384/);
  });

  it('reports what is wrong inside a complete but broken hello', () => {
    const body = helloBody({ cipherSuites: [0x1301] });
    body[35 + 1] = 3; // cipher_suites length low byte (after version, random, empty session id): odd
    const bytes = encodeRecords(22, 0x0301, encodeHandshake(1, body));
    const r = sniff(bytes);
    assert.equal(r.kind, 'malformed');
    assert.match(detail(r), /ClientHello/);
  });

  it('waits on truncated hellos instead of guessing', () => {
    for (const name of CLIENT_FIXTURES) {
      const bytes = readFixture(`client-hello-${name}`);
      for (const n of [1, 2, 5, 6, 9, 50, bytes.length - 1]) {
        assert.equal(sniff(bytes.subarray(0, n)).kind, 'need-more', `${name} cut at ${n}`);
      }
    }
  });
});
