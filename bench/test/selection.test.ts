import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passthroughScenarios, scenarios } from '../lib/scenarios.ts';
import { selectScenarios } from '../lib/selection.ts';

const sections = [
  { section: 'termination', scenarios },
  { section: 'passthrough', scenarios: passthroughScenarios },
];

function ids(spec: string | undefined): Record<string, string[]> {
  const selection = selectScenarios(spec, sections);
  assert.ok(selection.ok, selection.ok ? '' : selection.error);
  return Object.fromEntries(Object.entries(selection.value).map(([k, v]) => [k, v.map((s) => s.id)]));
}

describe('BENCH_SCENARIOS', () => {
  it('runs everything when unset, empty or "all"', () => {
    const all = {
      termination: ['idle', 'keepalive', 'full-handshake', 'resumed-handshake', 'bulk'],
      passthrough: ['passthrough-handshake', 'passthrough-bulk'],
    };
    assert.deepEqual(ids(undefined), all);
    assert.deepEqual(ids(''), all);
    assert.deepEqual(ids('all'), all);
  });

  it('selects a whole section by name', () => {
    assert.deepEqual(ids('passthrough'), {
      termination: [],
      passthrough: ['passthrough-handshake', 'passthrough-bulk'],
    });
  });

  it('selects single scenarios, in run order whatever the order of the list', () => {
    assert.deepEqual(ids(' passthrough-bulk, bulk ,idle'), {
      termination: ['idle', 'bulk'],
      passthrough: ['passthrough-bulk'],
    });
  });

  it('refuses an unknown name and lists the known ones', () => {
    const selection = selectScenarios('passthru', sections);
    assert.equal(selection.ok, false);
    assert.match(
      selection.ok ? '' : selection.error,
      /unknown 'passthru'; choose from all, termination, idle,/,
    );
  });
});
