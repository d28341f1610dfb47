import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h2Scenarios } from '../lib/h2-scenarios.ts';
import { measure } from '../lib/measure.ts';
import type { RunOutcome, Scenario } from '../lib/scenarios.ts';
import { scenarios } from '../lib/scenarios.ts';
import { settingsFromEnv } from '../lib/settings.ts';
import type { Settings, Target } from '../lib/target.ts';

// A server with no processes: its CPU reads 0, so only the calls are under test here.
const target: Target = {
  server: { name: 'x', pid: 0, port: 0, pids: () => [], stderr: () => '', stop: async () => {} },
  hostname: 'bench.test',
  ca: '',
  baselineRssBytes: 0,
};

const recording = (preRun: boolean) => {
  const calls: number[] = [];
  const scenario: Scenario = {
    id: 'fake',
    figures: [{ key: 'n', label: 'n', unit: 'x', better: 'higher' }],
    cpuUnit: 'x',
    cpuLabel: 'x',
    tools: [],
    preRun,
    async run(_t, settings): Promise<RunOutcome> {
      calls.push(settings.seconds);
      return { ok: true, figures: { n: settings.seconds }, units: settings.seconds * 100 };
    },
  };
  return { scenario, calls };
};

describe('pre-runs', () => {
  const settings: Settings = { ...settingsFromEnv({}), seconds: 3, preRunSeconds: 2 };

  it('a pre-run scenario runs its load unmeasured first, for BENCH_PRE_RUN_SECONDS', async () => {
    const { scenario, calls } = recording(true);
    const sample = await measure(scenario, target, settings);
    assert.deepEqual(calls, [2, 3]);
    assert.ok(sample.ok);
    // The figures are the measured run's, not the pre-run's.
    assert.equal(sample.figures['n'], 3);
  });

  it('none with BENCH_PRE_RUN_SECONDS=0, nor for a scenario without one', async () => {
    const a = recording(true);
    await measure(a.scenario, target, { ...settings, preRunSeconds: 0 });
    assert.deepEqual(a.calls, [3]);
    const b = recording(false);
    await measure(b.scenario, target, settings);
    assert.deepEqual(b.calls, [3]);
  });

  it('the CPU-per-unit scenarios that meet a server after a lull have one', () => {
    const withPreRun = [...scenarios, ...h2Scenarios].filter((s) => s.preRun === true).map((s) => s.id);
    assert.deepEqual(withPreRun.sort(), [
      'full-handshake',
      'h2-load',
      'keepalive',
      'resumed-tls12-id',
      'resumed-tls12-ticket',
      'resumed-tls13-ticket',
    ]);
  });
});

describe('settings', () => {
  it('default: 2 s pre-runs', () => {
    assert.equal(settingsFromEnv({}).preRunSeconds, 2);
  });

  it('BENCH_PRE_RUN_SECONDS=0 turns pre-runs off; a negative or fractional value is refused by name', () => {
    assert.equal(settingsFromEnv({ BENCH_PRE_RUN_SECONDS: '0' }).preRunSeconds, 0);
    assert.throws(() => settingsFromEnv({ BENCH_PRE_RUN_SECONDS: '-1' }), /BENCH_PRE_RUN_SECONDS/);
    assert.throws(() => settingsFromEnv({ BENCH_PRE_RUN_SECONDS: '1.5' }), /BENCH_PRE_RUN_SECONDS/);
  });
});
