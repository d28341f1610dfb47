import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOpenFileLimit } from '../../../src/doctor/index.ts';

describe('doctor: open-file limit', () => {
  it('reads /proc/self/limits', () => {
    const text = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
`;
    assert.deepEqual(parseOpenFileLimit(text), { soft: 1024, hard: 524288 });
    assert.deepEqual(parseOpenFileLimit('Max open files  unlimited unlimited files'), {
      soft: Number.POSITIVE_INFINITY,
      hard: Number.POSITIVE_INFINITY,
    });
    assert.equal(parseOpenFileLimit('nothing here'), undefined);
  });
});
