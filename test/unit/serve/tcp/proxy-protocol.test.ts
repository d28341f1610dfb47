import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PROXY_V2_SIGNATURE,
  proxyHeaderV1,
  proxyHeaderV2,
} from '../../../../src/serve/tcp/proxy-protocol.ts';

const v4 = {
  sourceAddress: '192.0.2.10',
  sourcePort: 51000,
  destinationAddress: '198.51.100.1',
  destinationPort: 443,
};

test('v1: TCP4 line', () => {
  assert.equal(proxyHeaderV1(v4).toString(), 'PROXY TCP4 192.0.2.10 198.51.100.1 51000 443\r\n');
});

test('v1: an IPv4-mapped dual-stack peer is written as IPv4; IPv6 as TCP6', () => {
  assert.equal(
    proxyHeaderV1({
      ...v4,
      sourceAddress: '::ffff:192.0.2.10',
      destinationAddress: '::ffff:198.51.100.1',
    }).toString(),
    'PROXY TCP4 192.0.2.10 198.51.100.1 51000 443\r\n',
  );
  assert.equal(
    proxyHeaderV1({ ...v4, sourceAddress: '2001:db8::1', destinationAddress: '2001:db8::2' }).toString(),
    'PROXY TCP6 2001:db8::1 2001:db8::2 51000 443\r\n',
  );
  assert.equal(proxyHeaderV1({ ...v4, sourceAddress: '' }).toString(), 'PROXY UNKNOWN\r\n');
});

test('v2: signature, PROXY command, AF_INET/STREAM, addresses and ports', () => {
  const h = proxyHeaderV2(v4);
  assert.deepEqual(h.subarray(0, 12), PROXY_V2_SIGNATURE);
  assert.equal(h[12], 0x21);
  assert.equal(h[13], 0x11);
  assert.equal(h.readUInt16BE(14), 12);
  assert.deepEqual([...h.subarray(16, 20)], [192, 0, 2, 10]);
  assert.deepEqual([...h.subarray(20, 24)], [198, 51, 100, 1]);
  assert.equal(h.readUInt16BE(24), 51000);
  assert.equal(h.readUInt16BE(26), 443);
  assert.equal(h.length, 28);
});

test('v2: IPv6 (mixed families become IPv6 with a mapped address)', () => {
  const h = proxyHeaderV2({ ...v4, sourceAddress: '2001:db8::1' });
  assert.equal(h[13], 0x21);
  assert.equal(h.readUInt16BE(14), 36);
  assert.equal(h.subarray(16, 32).toString('hex'), '20010db8000000000000000000000001');
  assert.equal(h.subarray(32, 48).toString('hex'), '00000000000000000000ffffc6336401');
  assert.equal(h.readUInt16BE(48), 51000);
});

test('v2: LOCAL when there is no address to tell', () => {
  const h = proxyHeaderV2({ ...v4, sourceAddress: '' });
  assert.equal(h.length, 16);
  assert.equal(h[12], 0x20);
  assert.equal(h[13], 0x00);
});
