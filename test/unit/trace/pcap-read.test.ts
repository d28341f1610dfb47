// Capture files in every layout the reader promises: pcap in both byte orders with µs and ns
// timestamps, pcapng with interface resolutions, simple packets and embedded key logs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CapturedPacket, CaptureParser, readCapture } from '../../../src/trace/pcap-read.ts';
import { encodePcap } from '../../../src/trace/pcap-write.ts';

function pcap(littleEndian: boolean, nano: boolean, frames: { t: number; data: number[] }[]): Uint8Array {
  const out = new Uint8Array(24 + frames.reduce((n, f) => n + 16 + f.data.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4, littleEndian);
  view.setUint16(4, 2, littleEndian);
  view.setUint16(6, 4, littleEndian);
  view.setUint32(16, 65535, littleEndian);
  view.setUint32(20, 101, littleEndian);
  let at = 24;
  for (const f of frames) {
    const s = Math.floor(f.t);
    view.setUint32(at, s, littleEndian);
    view.setUint32(at + 4, Math.round((f.t - s) * (nano ? 1e9 : 1e6)), littleEndian);
    view.setUint32(at + 8, f.data.length, littleEndian);
    view.setUint32(at + 12, f.data.length, littleEndian);
    out.set(f.data, at + 16);
    at += 16 + f.data.length;
  }
  return out;
}

/** A pcapng block: type, length, body (padded), length. */
function block(le: boolean, type: number, body: number[]): number[] {
  const padded = [...body, ...new Array((4 - (body.length % 4)) % 4).fill(0)];
  const length = padded.length + 12;
  const u32 = (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, le);
    return [...b];
  };
  return [...u32(type), ...u32(length), ...padded, ...u32(length)];
}

const u32 = (le: boolean, v: number): number[] => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, le);
  return [...b];
};
const u16 = (le: boolean, v: number): number[] => {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, le);
  return [...b];
};

function pcapng(le: boolean): Uint8Array {
  const shb = block(le, 0x0a0d0d0a, [
    ...u32(le, 0x1a2b3c4d),
    ...u16(le, 1),
    ...u16(le, 0),
    ...u32(le, 0xffffffff),
    ...u32(le, 0xffffffff),
  ]);
  // Interface 0: Ethernet, nanosecond timestamps (if_tsresol = 9); interface 1: raw IP, default µs.
  const idb0 = block(le, 1, [
    ...u16(le, 1),
    0,
    0,
    ...u32(le, 0),
    ...u16(le, 9),
    ...u16(le, 1),
    9,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const idb1 = block(le, 1, [...u16(le, 101), 0, 0, ...u32(le, 0)]);
  const ts = (units: bigint) => [...u32(le, Number(units >> 32n)), ...u32(le, Number(units & 0xffffffffn))];
  const epb0 = block(le, 6, [
    ...u32(le, 0),
    ...ts(1_700_000_000_123_456_789n),
    ...u32(le, 3),
    ...u32(le, 3),
    1,
    2,
    3,
  ]);
  const epb1 = block(le, 6, [
    ...u32(le, 1),
    ...ts(1_700_000_001_500_000n),
    ...u32(le, 2),
    ...u32(le, 2),
    9,
    9,
  ]);
  const keys = [...Buffer.from('CLIENT_RANDOM aa bb\n')];
  const dsb = block(le, 10, [...u32(le, 0x544c534b), ...u32(le, keys.length), ...keys]);
  const spb = block(le, 3, [...u32(le, 2), 7, 7]);
  return Uint8Array.from([...shb, ...idb0, ...idb1, ...epb0, ...dsb, ...epb1, ...spb]);
}

describe('readCapture', () => {
  for (const le of [true, false])
    for (const nano of [false, true])
      it(`reads pcap, ${le ? 'little' : 'big'}-endian, ${nano ? 'nano' : 'micro'}second timestamps`, () => {
        const r = readCapture(
          pcap(le, nano, [
            { t: 1_700_000_000.25, data: [0x45, 1] },
            { t: 1_700_000_001.5, data: [0x60] },
          ]),
        );
        assert.ok(r.ok);
        assert.equal(r.value.format, 'pcap');
        assert.deepEqual(
          r.value.packets.map((p) => [p.time, p.linkType, [...p.data], p.index]),
          [
            [1_700_000_000.25, 101, [0x45, 1], 0],
            [1_700_000_001.5, 101, [0x60], 1],
          ],
        );
      });

  for (const le of [true, false])
    it(`reads pcapng (${le ? 'little' : 'big'}-endian): interfaces, resolutions, packets and embedded key logs`, () => {
      const r = readCapture(pcapng(le));
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.value.format, 'pcapng');
      assert.deepEqual(
        r.value.packets.map((p) => [p.linkType, [...p.data]]),
        [
          [1, [1, 2, 3]],
          [101, [9, 9]],
          [1, [7, 7]],
        ],
      );
      assert.ok(Math.abs(r.value.packets[0]!.time - 1_700_000_000.123457) < 1e-6);
      assert.equal(r.value.packets[1]!.time, 1_700_000_001.5);
      assert.deepEqual(r.value.keyLogs, ['CLIENT_RANDOM aa bb\n']);
    });

  it('reads back what encodePcap writes', () => {
    const r = readCapture(encodePcap([{ time: 1_700_000_000.5, data: Uint8Array.of(1, 2, 3) }]));
    assert.ok(r.ok);
    assert.deepEqual([...r.value.packets[0]!.data], [1, 2, 3]);
    assert.equal(r.value.packets[0]!.linkType, 1);
  });

  it('refuses what is not a capture and warns about a cut-off file', () => {
    assert.deepEqual(readCapture(new Uint8Array(30)), {
      ok: false,
      error: 'not a pcap or pcapng file (unknown magic number)',
    });
    assert.equal(readCapture(new Uint8Array(3)).ok, false);
    const whole = pcap(true, false, [{ t: 1, data: [1, 2, 3, 4] }]);
    const cut = readCapture(whole.subarray(0, whole.length - 2));
    assert.ok(cut.ok);
    assert.equal(cut.value.packets.length, 0);
    assert.deepEqual(cut.value.warnings, ['the file ends inside packet 1']);
  });

  for (const [name, file] of [
    [
      'pcap',
      () =>
        pcap(false, true, [
          { t: 1, data: [1, 2, 3] },
          { t: 2, data: [4] },
        ]),
    ],
    ['pcapng', () => pcapng(true)],
  ] as const)
    it(`reads ${name} handed over in pieces of any size the same as whole`, () => {
      const whole = readCapture(file());
      assert.ok(whole.ok);
      for (const size of [1, 7, 64]) {
        const packets: CapturedPacket[] = [];
        const keyLogs: string[] = [];
        const parser = new CaptureParser({ packet: (p) => packets.push(p), keyLog: (t) => keyLogs.push(t) });
        const bytes = file();
        for (let at = 0; at < bytes.length; at += size)
          assert.equal(parser.push(bytes.slice(at, at + size)), undefined);
        const end = parser.end();
        assert.ok(end.ok);
        assert.deepEqual(
          packets.map((p) => [p.time, p.linkType, [...p.data], p.index]),
          whole.value.packets.map((p) => [p.time, p.linkType, [...p.data], p.index]),
          `pieces of ${size}`,
        );
        assert.deepEqual(keyLogs, whole.value.keyLogs);
      }
    });

  it('counts packets the snaplen cut, in pcap and pcapng', () => {
    const bytes = pcap(true, false, [
      { t: 1, data: [1, 2, 3] },
      { t: 2, data: [4, 5] },
    ]);
    new DataView(bytes.buffer).setUint32(24 + 12, 1500, true); // first packet: 3 of 1500 bytes kept
    const r = readCapture(bytes);
    assert.ok(r.ok);
    assert.deepEqual(r.value.warnings, [
      "1 packet was cut short by the capture's snaplen (at most 3 bytes kept of each): the bytes cut off are gaps in their TCP streams",
    ]);
    const ng = pcapng(true);
    const view = new DataView(ng.buffer);
    // The first enhanced packet block follows the section header (28 bytes) and two interface blocks.
    let at = 0;
    for (let i = 0; i < 3; i++) at += view.getUint32(at + 4, true);
    assert.equal(view.getUint32(at, true), 6);
    view.setUint32(at + 8 + 16, 9000, true); // original length
    const cut = readCapture(ng);
    assert.ok(cut.ok);
    assert.match(cut.value.warnings.join('\n'), /^1 packet was cut short by the capture's snaplen/m);
  });
});
