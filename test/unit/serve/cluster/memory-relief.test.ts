import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  afterCollect,
  initialRelief,
  RELIEF,
  type ReliefState,
  reliefStep,
} from '../../../../src/serve/cluster/memory-relief.ts';

const MiB = 1024 * 1024;

/**
 * Feeds [open sockets, RSS MiB, CPU share (default 0: idle)] readings, one check each RELIEF.checkMs;
 * returns the checks that collect.
 */
function run(given: readonly (readonly [number, number, number?])[], collectedRssMiB = 100): number[] {
  // The cases below are written for two quiet checks; the last reading is repeated so that every
  // case gives RELIEF.quietChecks, and indexes are reported as if two were enough.
  const extra = RELIEF.quietChecks - 2;
  const last = given[given.length - 1];
  const readings = last === undefined ? given : [...given, ...Array.from({ length: extra }, () => last)];
  let state: ReliefState = initialRelief((readings[0]?.[1] ?? 0) * MiB);
  const collected: number[] = [];
  readings.forEach(([open, rss, busy], i) => {
    const step = reliefStep(state, { open, rss: rss * MiB, busy: busy ?? 0 }, i * RELIEF.checkMs);
    state = step.state;
    if (step.collect) {
      collected.push(i - extra);
      state = afterCollect(state, collectedRssMiB * MiB);
    }
  });
  return collected;
}

describe('reliefStep', () => {
  it('collects once, on the second quiet check after a load of 5,000 connections ends', () => {
    assert.deepEqual(
      run([
        [10, 100],
        [2000, 160],
        [5000, 220],
        [5000, 220],
        [3, 225],
        [2, 225],
        [1, 225],
        [0, 225],
      ]),
      [5],
    );
  });
  it('after a handshake flood: few sockets open at any time, but RSS grew', () => {
    assert.deepEqual(
      run([
        [2, 100],
        [30, 140],
        [28, 180],
        [31, 185],
        [0, 185],
        [0, 185],
        [0, 185],
      ]),
      [5],
    );
  });
  it('after a load that came and went between two checks', () => {
    assert.deepEqual(
      run([
        [1, 100],
        [1, 197],
        [1, 197],
      ]),
      [2],
    );
  });
  it('never when RSS barely grew, under a steady load, or for a lull that does not last', () => {
    assert.deepEqual(
      run([
        [10, 100],
        [900, 120],
        [0, 120],
        [0, 120],
        [0, 120],
      ]),
      [],
      'grew 20 MiB',
    );
    assert.deepEqual(
      run([
        [3000, 100],
        [2900, 200],
        [3100, 220],
        [3000, 220],
      ]),
      [],
      'steady',
    );
    assert.deepEqual(
      run([
        [3000, 100],
        [100, 200],
        [3000, 200],
        [100, 200],
        [3000, 200],
      ]),
      [],
      'one quiet check at a time',
    );
  });
  it('never while the worker is busy, even with few sockets open (a handshake load 16 at a time)', () => {
    assert.deepEqual(
      run([
        [2, 100, 0],
        [16, 160, 0.9],
        [12, 200, 0.95],
        [16, 240, 0.9],
        [14, 260, 0.9],
        [0, 260, 0.01],
        [0, 260, 0.01],
      ]),
      [6],
      'once the load has passed, not during it',
    );
  });
  it('no more than once a minute, and growth is measured from what the collection left', () => {
    const idle = Array.from({ length: 20 }, () => [0, 200] as const);
    // The collection brings RSS to 190: 200 is then only 10 MiB of growth, so no second one.
    assert.deepEqual(run([[5000, 100], ...idle], 190), [2]);
    // It brings RSS to 100 but the process is back at 200 at once: one more, a minute later at the earliest.
    const at = run([[5000, 100], ...idle], 100);
    assert.equal(at[0], 2);
    assert.ok(((at[1] ?? Number.POSITIVE_INFINITY) - (at[0] ?? 0)) * RELIEF.checkMs >= RELIEF.minIntervalMs);
  });
});
