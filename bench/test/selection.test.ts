import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BenchCerts } from '../lib/certs.ts';
import {
  DEFAULT_CONTENDERS,
  h2Contenders,
  passthroughContenders,
  selectContenders,
  terminationContenders,
} from '../lib/contenders.ts';
import { h2Scenarios } from '../lib/h2-scenarios.ts';
import { scaleScenarios } from '../lib/scale-scenarios.ts';
import { passthroughScenarios, scenarios } from '../lib/scenarios.ts';
import { selectScenarios } from '../lib/selection.ts';
import { repoRoot } from '../lib/tlsterm-config.ts';

// As bench/run.ts lists them.
const sections = [
  { section: 'termination', scenarios: [...scenarios, ...scaleScenarios] },
  { section: 'h2', scenarios: h2Scenarios },
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
      h2: ['h2-load', 'h2-idle'],
      passthrough: ['passthrough-handshake', 'passthrough-bulk'],
    };
    assert.deepEqual(ids(undefined), all);
    assert.deepEqual(ids(''), all);
    assert.deepEqual(ids('all'), all);
  });

  it('selects a whole section by name', () => {
    assert.deepEqual(ids('passthrough'), {
      termination: [],
      h2: [],
      passthrough: ['passthrough-handshake', 'passthrough-bulk'],
    });
    assert.deepEqual(ids('h2'), { termination: [], h2: ['h2-load', 'h2-idle'], passthrough: [] });
  });

  it('runs the scale scenarios only on request, by their group or id, not with "all" or the section', () => {
    assert.deepEqual(ids('scale'), {
      termination: ['scale-handshake', 'scale-keepalive'],
      h2: [],
      passthrough: [],
    });
    assert.deepEqual(ids('keepalive,scale-keepalive').termination, ['keepalive', 'scale-keepalive']);
    assert.ok(!ids('termination').termination?.includes('scale-handshake'));
  });

  it('selects single scenarios, in run order whatever the order of the list', () => {
    assert.deepEqual(ids(' passthrough-bulk, bulk ,idle, h2-load'), {
      termination: ['idle', 'bulk'],
      h2: ['h2-load'],
      passthrough: ['passthrough-bulk'],
    });
  });

  it('selects a group: "resumed" is the three resumed-handshake scenarios', () => {
    assert.deepEqual(ids('full-handshake,resumed'), {
      termination: ['full-handshake', 'resumed-tls12-id', 'resumed-tls12-ticket', 'resumed-tls13-ticket'],
      h2: [],
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
  it('defaults to tlsterm, its baseline, nginx, HAProxy and the Node floors (HTTP/1.1 and h2)', () => {
    const picked = selectContenders(undefined);
    assert.ok(picked.ok);
    assert.deepEqual([...picked.value], [...DEFAULT_CONTENDERS]);
    assert.ok(picked.value.has('node-tls') && picked.value.has('node-h2') && !picked.value.has('node-pipe'));
    assert.ok(!picked.value.has('tlsterm-w2') && !picked.value.has('nginx-w2'), 'two workers on request');
  });

  it('takes a list, and refuses an unknown name', () => {
    const picked = selectContenders(' tlsterm, node-pipe ');
    assert.ok(picked.ok);
    assert.deepEqual([...picked.value], ['tlsterm', 'node-pipe']);
    const wrong = selectContenders('tlsterm,apache');
    assert.equal(wrong.ok, false);
    assert.match(
      wrong.ok ? '' : wrong.error,
      /unknown 'apache'; choose from tlsterm, tlsterm-base, tlsterm-l7, tlsterm-w2, tlsterm-w2rp, tlsterm-1p, nginx, nginx-w2, nginx-w2rp/,
    );
  });
});

describe('the measured start', () => {
  it("tlsterm's and Node's floors' are primed (their modules in Node's compile cache); the others start once", () => {
    const choice = { repo: repoRoot, features: { workers: false, session: false } };
    const certs = { fullchain: '/x', key: '/x', ca: '/x', combined: '/x', hostname: 'bench.test' };
    // tlsterm's spec writes its config file into the dir.
    const dir = mkdtempSync(join(tmpdir(), 'bench-prime-test-'));
    try {
      const ctx = { dir, port: 1, backendPort: 2, certs: certs as unknown as BenchCerts, root: dir };
      const all = [
        ...terminationContenders(choice),
        ...h2Contenders(choice),
        ...passthroughContenders(choice),
      ];
      for (const c of all.filter((c) => c.binary === undefined)) {
        const spec = c.spec(ctx);
        assert.equal(spec.primeStart, true, c.name);
        // The floors are TypeScript files of the bench: their cache is given, tlsterm makes its own.
        if (c.name.startsWith('node-'))
          assert.equal(spec.env?.['NODE_COMPILE_CACHE'], join(dir, 'floor-compile-cache'), c.name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
