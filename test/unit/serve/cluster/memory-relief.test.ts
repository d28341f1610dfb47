import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  initialRelief,
  RELIEF,
  type ReliefState,
  reliefStep,
} from '../../../../src/serve/cluster/memory-relief.ts';

/** Feeds open-socket counts, one check each RELIEF.checkMs; returns the check indexes that collect. */
function run(counts: readonly number[], start: ReliefState = initialRelief, t0 = 0): number[] {
  let state = start;
  const collected: number[] = [];
  counts.forEach((open, i) => {
    const step = reliefStep(state, open, t0 + i * RELIEF.checkMs);
    state = step.state;
    if (step.collect) collected.push(i);
  });
  return collected;
}

describe('reliefStep', () => {
  it('collects once, on the second quiet check after a load of 5,000 connections ends', () => {
    assert.deepEqual(run([10, 2000, 5000, 5000, 3, 2, 1, 0, 0, 0]), [5]);
  });
  it('never for a small load, a steady load, or a lull that does not last', () => {
    assert.deepEqual(run([10, 900, 0, 0, 0, 0]), [], 'peak under 1,000');
    assert.deepEqual(run([3000, 2900, 3100, 3000, 2800]), [], 'steady');
    assert.deepEqual(run([3000, 100, 3000, 100, 3000, 100]), [], 'one quiet check at a time');
  });
  it('no more than once a minute, and a new peak is needed for the next one', () => {
    const twoLoads = [5000, 0, 0, 5000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const at = run(twoLoads);
    assert.equal(at[0], 2);
    assert.equal(at.length, 2);
    assert.ok(((at[1] ?? 0) - (at[0] ?? 0)) * RELIEF.checkMs >= RELIEF.minIntervalMs);
    assert.deepEqual(run([5000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), [2], 'idle: once');
  });
});
