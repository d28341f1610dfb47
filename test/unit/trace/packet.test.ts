import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, endpointText, LinkType } from '../../../src/trace/packet.ts';
import { tcpFrame } from '../../../src/trace/pcap-write.ts';

const v4 = tcpFrame(
  { ip: '10.0.0.1', port: 50000 },
  { ip: '10.0.0.2', port: 443 },
  1000,
  0,
  0x18,
  Uint8Array.of(0x16, 3, 1),
);
const v6 = tcpFrame(
  { ip: '2001:db8::1', port: 50000 },
  { ip: '::1', port: 443 },
  7,
  0,
  0x02,
  new Uint8Array(0),
);

describe('decodeFrame', () => {
  it('reads Ethernet/IPv4/TCP and Ethernet/IPv6/TCP', () => {
    const a = decodeFrame(LinkType.ethernet, v4);
    assert.ok('segment' in a);
    assert.equal(a.segment.src, '10.0.0.1');
    assert.equal(a.segment.dstPort, 443);
    assert.equal(a.segment.seq, 1000);
    assert.deepEqual([...a.segment.payload], [0x16, 3, 1]);
    const b = decodeFrame(LinkType.ethernet, v6);
    assert.ok('segment' in b);
    assert.equal(b.segment.src, '2001:db8::1');
    assert.equal(b.segment.dst, '::1');
    assert.equal(b.segment.syn, true);
  });

  it('reads VLAN-tagged Ethernet, Linux cooked captures, loopback and raw IP', () => {
    const ip = v4.subarray(14);
    const vlan = Uint8Array.from([...v4.subarray(0, 12), 0x81, 0, 0, 5, 0x08, 0, ...ip]);
    const sll = Uint8Array.from([0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0, ...ip]);
    const sll2 = Uint8Array.from([0x08, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...ip]);
    const nul = Uint8Array.from([2, 0, 0, 0, ...ip]);
    for (const [type, frame] of [
      [LinkType.ethernet, vlan],
      [LinkType.linuxSll, sll],
      [LinkType.linuxSll2, sll2],
      [LinkType.null, nul],
      [LinkType.rawIp, ip],
    ] as const) {
      const d = decodeFrame(type, frame);
      assert.ok('segment' in d, `link type ${type}`);
      assert.deepEqual([...d.segment.payload], [0x16, 3, 1]);
    }
  });

  it('trims Ethernet padding by the IP total length', () => {
    const padded = Uint8Array.from([...v4, 0, 0, 0, 0]);
    const d = decodeFrame(LinkType.ethernet, padded);
    assert.ok('segment' in d);
    assert.equal(d.segment.payload.length, 3);
  });

  it('skips what is not TCP over IP, saying what it was', () => {
    assert.deepEqual(
      decodeFrame(LinkType.ethernet, Uint8Array.from([...v4.subarray(0, 12), 0x08, 0x06, 0, 0])),
      { skip: 'ethertype 0x806' },
    );
    const udp = v4.slice();
    udp[14 + 9] = 17;
    assert.deepEqual(decodeFrame(LinkType.ethernet, udp), { skip: 'IP protocol 17' });
    const frag = v4.slice();
    frag[14 + 6] = 0x20;
    assert.deepEqual(decodeFrame(LinkType.ethernet, frag), { skip: 'IPv4 fragment' });
    assert.deepEqual(decodeFrame(147, v4), { skip: 'link type 147' });
  });

  it('writes endpoints as users read them', () => {
    assert.equal(endpointText('127.0.0.1', 443), '127.0.0.1:443');
    assert.equal(endpointText('::1', 443), '[::1]:443');
  });
});
