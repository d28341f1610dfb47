// What each serve process loads at start, held against docs/architecture.md ("The processes, and
// what each one loads"): a library reached by a static import is in memory in every such process
// (~4–40 MiB each), whether the plan uses it or not. A dynamic import() at the point of use is how a
// heavy library stays out; this test names the chain that broke that.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { importGraph, importSpecs, SRC } from './import-graph.ts';

interface Reach {
  /** package → the chain of files (relative to src/) that loads it. */
  readonly packages: Map<string, string[]>;
  readonly files: Set<string>;
}

function reach(entry: string): Reach {
  const prev = new Map<string, string | null>([[entry, null]]);
  const packages = new Map<string, string[]>();
  const chain = (file: string): string[] => {
    const out: string[] = [];
    for (let f: string | null | undefined = file; f; f = prev.get(f)) out.unshift(f);
    return out;
  };
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    // What loads with the file: `import type` is erased, `import()` loads on use.
    for (const spec of importSpecs(text, true)) {
      if (spec.startsWith('.')) {
        const to = path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), spec));
        if (!prev.has(to)) {
          prev.set(to, file);
          queue.push(to);
        }
      } else if (!spec.startsWith('node:')) {
        const pkg = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : (spec.split('/')[0] ?? spec);
        if (!packages.has(pkg)) packages.set(pkg, [...chain(file), pkg]);
      }
    }
  }
  return { packages, files: new Set(prev.keys()) };
}

const show = (r: Reach) => [...r.packages.values()].map((c) => c.join(' -> ')).join('\n');

describe('what a serve process loads at start', () => {
  it('a worker loads no library and none of config, trace, probe or doctor', () => {
    // worker-main.ts sets the signals and imports worker-start.ts, the worker's program.
    const worker = reach('serve/cluster/worker-start.ts');
    assert.deepEqual([...worker.packages.keys()], [], show(worker));
    const stray = [...worker.files].filter((f) => /^(config|trace|probe|doctor|cli)\//.test(f));
    assert.deepEqual(stray, []);
  });

  it('the primary loads no library at start (the config check, metrics, X.509, ACME and Redis on use)', () => {
    // With single_process the primary serves, and its configs are checked in a child (plan-load.ts).
    const primary = reach('cli/serve.ts');
    assert.deepEqual([...primary.packages.keys()], [], show(primary));
    const config = [...primary.files].filter((f) => f.startsWith('config/') && f !== 'config/duration.ts');
    assert.deepEqual(config, [], 'the primary loads the config check at start');
    assert.equal(primary.files.has('serve/server.ts'), false, 'the primary loads the data path');
    // Of http/, only what the primary does itself: pool health checks and address sets. Its face
    // brings the whole HTTP stack (~70 modules, ~3 MiB in the primary).
    const http = [...primary.files].filter((f) => f.startsWith('http/')).sort();
    assert.deepEqual(http, [
      'http/pools/health-authority.ts',
      'http/pools/health-probe.ts',
      'http/rules/cidr.ts',
      'http/upstream-tls.ts',
    ]);
  });

  it('no file imports node:http or node:util as an ES module (src/builtins.ts requires them)', () => {
    // The ESM namespace of node:http calls its lazy WebSocket getters, which load Node's bundled
    // undici: +13 MiB in every process (src/builtins.ts has the measurement).
    const heavy = [...importGraph().keys()].filter(
      (file) =>
        file !== 'builtins.ts' &&
        importSpecs(readFileSync(path.join(SRC, file), 'utf8'), true).some(
          (spec) => spec === 'node:http' || spec === 'node:util',
        ),
    );
    assert.deepEqual(heavy, []);
  });
});
