// The PROXY header codecs against HAProxy's own bytes (test/fixtures/proxy), then malformed and
// truncated inputs: every prefix of a good header asks for more, every bad one is refused, nothing throws.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { type ProxyVerdict, parseProxyHeader, parseProxyV2 } from '../../../../src/serve/proxy-in/index.ts';

const dir = path.join(import.meta.dirname, '../../../fixtures/proxy');
const fixture = (name: string): Buffer =>
  Buffer.from(fs.readFileSync(path.join(dir, name), 'utf8').trim(), 'hex');
const HELLO = Buffer.from('HELLO');

const header = (v: ProxyVerdict) => {
  assert.equal(v.kind, 'header', JSON.stringify(v));
  return v as Extract<ProxyVerdict, { kind: 'header' }>;
};

test('HAProxy send-proxy (v1) over IPv4 and IPv6: the client, and where the header ends', () => {
  const b4 = fixture('haproxy-v1-tcp4.hex');
  const v4 = header(parseProxyHeader(b4, 'both'));
  assert.deepEqual(v4.header.source, { address: '127.0.0.2', port: 36439 });
  assert.deepEqual(v4.header.destination, { address: '127.0.0.1', port: 17322 });
  assert.equal(v4.header.command, 'proxy');
  assert.deepEqual(b4.subarray(v4.length), HELLO);
  const b6 = fixture('haproxy-v1-tcp6.hex');
  const v6 = header(parseProxyHeader(b6, 'v1'));
  assert.deepEqual(v6.header.source, { address: '::1', port: 38827 });
  assert.deepEqual(b6.subarray(v6.length), HELLO);
});

test('HAProxy send-proxy-v2 over IPv4 and IPv6', () => {
  const b4 = fixture('haproxy-v2-tcp4.hex');
  const v4 = header(parseProxyHeader(b4, 'v2'));
  assert.deepEqual(v4.header.source, { address: '127.0.0.2', port: 40955 });
  assert.deepEqual(v4.header.destination, { address: '127.0.0.1', port: 17323 });
  assert.deepEqual(b4.subarray(v4.length), HELLO);
  const b6 = fixture('haproxy-v2-tcp6.hex');
  const v6 = header(parseProxyHeader(b6, 'both'));
  assert.deepEqual(v6.header.source, { address: '::1', port: 43379 });
  assert.deepEqual(b6.subarray(v6.length), HELLO);
});

test('v2 TLVs: unique id and SSL read, CRC32C skipped', () => {
  const b = fixture('haproxy-v2-tlvs.hex');
  const v = header(parseProxyHeader(b, 'both'));
  assert.deepEqual(v.header.source, { address: '127.0.0.2', port: 37039 });
  assert.equal(Buffer.from(v.header.tlvs.uniqueId ?? '', 'hex').toString(), 'id-127.0.0.2-37039');
  assert.equal(v.header.tlvs.ssl?.clientSsl, false);
  assert.deepEqual(b.subarray(v.length), HELLO);
});

test('v2 ALPN, authority and SSL sub-TLVs (hand-built, as HAProxy writes for an ssl bind)', () => {
  const tlv = (type: number, value: Buffer) =>
    Buffer.concat([Buffer.from([type, value.length >> 8, value.length & 0xff]), value]);
  const ssl = tlv(
    0x20,
    Buffer.concat([
      Buffer.from([0x07, 0, 0, 0, 0]),
      tlv(0x21, Buffer.from('TLSv1.3')),
      tlv(0x22, Buffer.from('client.example')),
      tlv(0x23, Buffer.from('TLS_AES_128_GCM_SHA256')),
      tlv(0x7f, Buffer.from('ignored')),
    ]),
  );
  const tlvs = Buffer.concat([
    tlv(0x01, Buffer.from('h2')),
    tlv(0x02, Buffer.from('example.test')),
    tlv(0xe0, Buffer.from('vendor')),
    ssl,
  ]);
  const addr = Buffer.from([10, 0, 0, 7, 10, 0, 0, 1, 0x30, 0x39, 0x01, 0xbb]);
  const len = addr.length + tlvs.length;
  const b = Buffer.concat([
    fixture('haproxy-v2-local.hex').subarray(0, 12),
    Buffer.from([0x21, 0x11, len >> 8, len & 0xff]),
    addr,
    tlvs,
  ]);
  const v = header(parseProxyV2(b));
  assert.deepEqual(v.header.source, { address: '10.0.0.7', port: 12345 });
  assert.equal(v.header.tlvs.alpn, 'h2');
  assert.equal(v.header.tlvs.authority, 'example.test');
  assert.deepEqual(v.header.tlvs.ssl, {
    clientSsl: true,
    certVerified: true,
    version: 'TLSv1.3',
    cn: 'client.example',
    cipher: 'TLS_AES_128_GCM_SHA256',
  });
  assert.equal(v.length, b.length);
});

test('the LOCAL header of a HAProxy health check: no client to take', () => {
  const v = header(parseProxyHeader(fixture('haproxy-v2-local.hex'), 'both'));
  assert.equal(v.header.command, 'local');
  assert.equal(v.header.source, undefined);
  assert.equal(v.length, 16);
  const u = header(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'), 'v1'));
  assert.equal(u.header.command, 'local');
});

test('every strict prefix of a good header asks for more bytes', () => {
  for (const name of [
    'haproxy-v1-tcp4.hex',
    'haproxy-v1-tcp6.hex',
    'haproxy-v2-tcp6.hex',
    'haproxy-v2-tlvs.hex',
  ]) {
    const b = fixture(name);
    const full = header(parseProxyHeader(b, 'both')).length;
    for (let n = 0; n < full; n++)
      assert.equal(parseProxyHeader(b.subarray(0, n), 'both').kind, 'need-more', `${name} cut at ${n}`);
  }
});

test('malformed headers are refused with a reason', () => {
  const bad: [string, Buffer, RegExp][] = [
    ['a ClientHello', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), /ClientHello where a PROXY header/],
    ['HTTP', Buffer.from('GET / HTTP/1.1\r\n'), /no PROXY header/],
    ['v1 to a v2 listener', fixture('haproxy-v1-tcp4.hex'), /accepts v2 only/],
    ['v1 without CRLF', Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`), /no CRLF within 107/],
    ['v1 bare LF', Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n'), /LF without CR/],
    ['v1 bad proto', Buffer.from('PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n'), /not TCP4/],
    ['v1 v6 in TCP4', Buffer.from('PROXY TCP4 ::1 ::1 1 2\r\n'), /not IPv4/],
    ['v1 port too big', Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n'), /not a port/],
    ['v1 leading zero', Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n'), /not a port/],
    ['v1 fields', Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n'), /5 fields/],
    ['v1 lowercase', Buffer.from('proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), /no PROXY header/],
  ];
  const v2 = fixture('haproxy-v2-tcp4.hex');
  const patch = (at: number, byte: number) => {
    const b = Buffer.from(v2);
    b[at] = byte;
    return b;
  };
  bad.push(
    ['v2 to a v1 listener', v2, /accepts v1 only/],
    ['v2 bad signature', patch(5, 0x0e), /signature differs/],
    ['v2 version 3', patch(12, 0x31), /version nibble is 3/],
    ['v2 command 2', patch(12, 0x22), /command 2/],
    ['v2 UDP', patch(13, 0x12), /datagram/],
    ['v2 family 5', patch(13, 0x51), /unknown/],
    ['v2 short address block', patch(15, 0x08), /address block is 8 bytes/],
    ['v2 huge length', patch(14, 0xff), /announces 65292 bytes/],
  );
  // A TLV whose length runs past the header.
  const tlvOver = Buffer.concat([
    v2.subarray(0, 14),
    Buffer.from([0x00, 0x0f]),
    v2.subarray(16, 28),
    Buffer.from([0x01, 0x00, 0x09]),
  ]);
  bad.push(['v2 TLV overrun', tlvOver, /past the header's end/]);
  for (const [what, bytes, reason] of bad) {
    const accept = what.includes('v2 listener') ? 'v2' : what.includes('v1 listener') ? 'v1' : 'both';
    const v = parseProxyHeader(bytes, accept);
    assert.equal(v.kind, 'malformed', what);
    assert.match((v as { detail: string }).detail, reason, what);
  }
});

test('random bytes and random corruptions never throw and never over-read', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const goods = ['haproxy-v1-tcp4.hex', 'haproxy-v2-tcp6.hex', 'haproxy-v2-tlvs.hex'].map(fixture);
  for (let i = 0; i < 3000; i++) {
    const base = goods[i % goods.length] as Buffer;
    const b = Buffer.from(base);
    for (let k = 0; k < 1 + (rand() % 4); k++) b[rand() % b.length] = rand() & 0xff;
    const v = parseProxyHeader(b.subarray(0, rand() % (b.length + 1)), 'both');
    if (v.kind === 'header') assert.ok(v.length <= b.length);
  }
});
