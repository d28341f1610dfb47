// The house rules of docs/architecture.md, held against the code: a broken rule names the import.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cycles, folderOf, importGraph } from './import-graph.ts';

const graph = importGraph();
const edges = [...graph].flatMap(([from, deps]) => deps.map((to) => ({ from, to })));

describe('architecture', () => {
  it('has no import cycle between files', () => {
    assert.deepEqual(cycles(graph), []);
  });

  it('has no two folders that import each other', () => {
    const pairs = new Set<string>();
    for (const { from, to } of edges) {
      const a = folderOf(from);
      const b = folderOf(to);
      if (a !== b) pairs.add(`${a} -> ${b}`);
    }
    const both = [...pairs].filter((p) => {
      const [a, b] = p.split(' -> ');
      return a !== undefined && b !== undefined && a < b && pairs.has(`${b} -> ${a}`);
    });
    assert.deepEqual(both, []);
  });

  it('lets wire/ import nothing of ours outside wire/', () => {
    const out = edges.filter((e) => folderOf(e.from) === 'wire' && folderOf(e.to) !== 'wire');
    assert.deepEqual(out, []);
  });

  it('lets only the CLI and the package entry import serve/', () => {
    const allowed = new Set(['serve', 'cli', 'index.ts']);
    const out = edges.filter((e) => folderOf(e.to) === 'serve' && !allowed.has(folderOf(e.from)));
    assert.deepEqual(out, []);
  });

  it("lets the CLI import other folders only through their index.ts (a folder's face)", () => {
    const out = edges.filter(
      (e) =>
        folderOf(e.from) === 'cli' &&
        folderOf(e.to) !== 'cli' &&
        e.to.includes('/') &&
        !/^[^/]+\/index\.ts$/.test(e.to),
    );
    assert.deepEqual(out, []);
  });
});
