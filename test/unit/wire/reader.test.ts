import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader, readU16List } from '../../../src/wire/reader.ts';

describe('Reader', () => {
  it('reads big-endian integers and views', () => {
    const buf = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 0xff, 0xff);
    const r = new Reader(buf);
    assert.equal(r.u8(), 1);
    assert.equal(r.u16(), 0x0203);
    assert.equal(r.u24(), 0x040506);
    const v = r.bytes(3);
    assert.deepEqual(v, Uint8Array.of(7, 8, 9));
    assert.equal(v.buffer, buf.buffer, 'a view, not a copy');
    assert.equal(r.u32(), 0xffffffff, 'unsigned even with the top bit set');
    assert.equal(r.atEnd, true);
    assert.equal(r.failed, false);
  });

  it('never throws past the end: zeros, empty views, a sticky failed flag', () => {
    const r = new Reader(Uint8Array.of(1));
    assert.equal(r.u16(), 0);
    assert.equal(r.failed, true);
    assert.equal(r.atEnd, true);
    assert.equal(r.u8(), 0);
    assert.equal(r.u32(), 0);
    assert.equal(r.bytes(5).length, 0);
    assert.equal(r.vec16().length, 0);
    assert.equal(r.failed, true);
    assert.equal(new Reader(new Uint8Array(0)).bytes(-1).length, 0);
  });

  it('reads length-prefixed vectors and sub-readers that stay inside them', () => {
    const r = new Reader(Uint8Array.of(0, 3, 0xaa, 0xbb, 0xcc, 2, 0x11, 0x22, 0, 0, 1, 0x33));
    const sub = r.sub16();
    assert.equal(sub.remaining, 3);
    assert.equal(sub.u16(), 0xaabb);
    assert.equal(sub.u16(), 0, 'cannot read past its vector');
    assert.equal(sub.failed, true);
    assert.equal(r.failed, false, 'the parent is unaffected');
    assert.deepEqual(r.vec8(), Uint8Array.of(0x11, 0x22));
    assert.deepEqual(r.vec24(), Uint8Array.of(0x33));
    assert.equal(r.atEnd, true);
  });

  it('marks a vector whose length runs past the end as failed', () => {
    const r = new Reader(Uint8Array.of(0, 9, 1, 2));
    const sub = r.sub16();
    assert.equal(r.failed, true);
    assert.equal(sub.failed, true);
  });

  it('honours start and end bounds, clamped to the buffer', () => {
    const r = new Reader(Uint8Array.of(1, 2, 3, 4), 1, 3);
    assert.equal(r.u16(), 0x0203);
    assert.equal(r.atEnd, true);
    assert.equal(new Reader(Uint8Array.of(1), 5, 9).remaining, 0);
  });

  it('reads whole u16 lists and refuses odd ones', () => {
    assert.deepEqual(readU16List(new Reader(Uint8Array.of(0, 1, 0xfa, 0xfa))), [1, 0xfafa]);
    assert.equal(readU16List(new Reader(Uint8Array.of(0, 1, 2))), undefined);
  });

  it('skips a u8-prefixed vector, and fails past the end', () => {
    const r = new Reader(Uint8Array.of(2, 9, 9, 7));
    r.skip8();
    assert.equal(r.u8(), 7);
    const short = new Reader(Uint8Array.of(3, 1));
    short.skip8();
    assert.equal(short.failed, true);
  });
});
