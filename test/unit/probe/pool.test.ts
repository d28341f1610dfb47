import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool } from '../../../src/probe/pool.ts';

describe('createPool', () => {
  it('never runs more than the limit at once, runs everything, and counts what it started', async () => {
    const pool = createPool(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pool.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, i % 3));
          active--;
          return i;
        }),
      ),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal(peak, 3);
    assert.equal(pool.started, 20);
  });

  it('frees the slot of a task that throws', async () => {
    const pool = createPool(1);
    await assert.rejects(
      pool.run(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await pool.run(async () => 'next'), 'next');
  });
});
