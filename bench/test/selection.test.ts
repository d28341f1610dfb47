import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONTENDERS, selectContenders } from '../lib/contenders.ts';
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
      termination: [
        'idle',
        'keepalive',
        'full-handshake',
        'resumed-tls12-id',
        'resumed-tls12-ticket',
        'resumed-tls13-ticket',
        'bulk',
      ],
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

  it('selects a group: "resumed" is the three resumed-handshake scenarios', () => {
    assert.deepEqual(ids('full-handshake,resumed'), {
      termination: ['full-handshake', 'resumed-tls12-id', 'resumed-tls12-ticket', 'resumed-tls13-ticket'],
      passthrough: [],
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

describe('BENCH_CONTENDERS', () => {
  it('defaults to tlsterm, its baseline, nginx, HAProxy and the Node floor', () => {
    const picked = selectContenders(undefined);
    assert.ok(picked.ok);
    assert.deepEqual([...picked.value], [...DEFAULT_CONTENDERS]);
    assert.ok(picked.value.has('node-tls') && !picked.value.has('node-pipe'));
  });

  it('takes a list, and refuses an unknown name', () => {
    const picked = selectContenders(' tlsterm, node-pipe ');
    assert.ok(picked.ok);
    assert.deepEqual([...picked.value], ['tlsterm', 'node-pipe']);
    const wrong = selectContenders('tlsterm,apache');
    assert.equal(wrong.ok, false);
    assert.match(
      wrong.ok ? '' : wrong.error,
      /unknown 'apache'; choose from tlsterm, tlsterm-base, tlsterm-l7, nginx/,
    );
  });
});
