import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader } from '../../../src/wire/reader.ts';
import { Writer } from '../../../src/wire/writer.ts';

describe('Writer', () => {
  it('writes big-endian integers and nested length-prefixed blocks', () => {
    const out = new Writer(1)
      .u8(1)
      .u16(0x0203)
      .u24(0x040506)
      .u32(0xfffffffe)
      .block(2, (w) => w.block(1, (x) => x.bytes(Uint8Array.of(9, 9))))
      .finish();
    assert.deepEqual(out, Uint8Array.of(1, 2, 3, 4, 5, 6, 0xff, 0xff, 0xff, 0xfe, 0, 3, 2, 9, 9));
  });

  it('grows past its initial capacity and round-trips through Reader', () => {
    const big = new Uint8Array(70000).fill(7);
    const out = new Writer(16).block(3, (w) => w.bytes(big)).finish();
    const r = new Reader(out);
    assert.deepEqual(r.vec24(), big);
    assert.equal(r.atEnd, true);
  });

  it('refuses a block longer than its length prefix can say (a programming error)', () => {
    assert.throws(() => new Writer().block(1, (w) => w.bytes(new Uint8Array(256))), RangeError);
  });
});
