import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyShareFor } from '../../../src/probe/key-shares.ts';

describe('keyShareFor', () => {
  it('makes public keys of the sizes RFC 8446 and the hybrid drafts fix', () => {
    const sizes: [number, number][] = [
      [29, 32],
      [30, 56],
      [23, 65],
      [24, 97],
      [25, 133],
      [0x0201, 1184],
      [0x11ec, 1184 + 32],
      [0x11eb, 65 + 1184],
      [0x11ed, 97 + 1568],
    ];
    for (const [group, size] of sizes) assert.equal(keyShareFor(group)?.length, size, `group ${group}`);
    assert.equal(keyShareFor(23)![0], 4, 'uncompressed point');
  });

  it('returns the same share twice and none for groups it cannot make', () => {
    assert.equal(keyShareFor(29), keyShareFor(29));
    assert.equal(keyShareFor(256), undefined);
    assert.equal(keyShareFor(0x6399), undefined);
  });

  it('puts the X25519 key after the ML-KEM key in X25519MLKEM768', () => {
    const hybrid = keyShareFor(0x11ec)!;
    assert.deepEqual(hybrid.subarray(1184), keyShareFor(29));
  });
});
