// Reads src/'s import graph from the sources (static imports, re-exports and literal dynamic imports),
// for the architecture rules test. Type-only imports count: they tie folders together just the same.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const SRC = path.resolve(import.meta.dirname, '../../../src');

// A static import or re-export (its clause, its module), a side-effect import, or a literal import().
const SPEC =
  /(?:^|\n)\s*(?:import|export)\s([^;]*?)\sfrom\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** `type X` or `{ type A, type B }`: erased at run time. */
const onlyTypes = (clause: string): boolean => {
  const c = clause.trim();
  if (c.startsWith('type ')) return true;
  if (!c.startsWith('{') || !c.endsWith('}')) return false;
  const names = c
    .slice(1, -1)
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return names.length > 0 && names.every((n) => n.startsWith('type '));
};

/**
 * The modules a source text names. `loadedAtStart`: only what loads with it (no type-only import,
 * no import() — those load on use); otherwise every module it ties itself to.
 */
export function importSpecs(text: string, loadedAtStart = false): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SPEC)) {
    if (m[4] !== undefined) {
      if (!loadedAtStart) out.push(m[4]);
    } else if (m[3] !== undefined) out.push(m[3]);
    else if (!(loadedAtStart && onlyTypes(m[1] ?? ''))) out.push(m[2] ?? '');
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** file (relative to src/, e.g. 'serve/server.ts') → the files of ours it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const spec of importSpecs(text)) {
      if (!spec.startsWith('.')) continue;
      deps.push(path.relative(SRC, path.resolve(path.dirname(file), spec)));
    }
    graph.set(path.relative(SRC, file), deps);
  }
  return graph;
}

/** The top folder a file belongs to ('serve' for 'serve/cluster/x.ts'); a file in src/ itself is its own. */
export const folderOf = (file: string): string => (file.includes('/') ? (file.split('/')[0] ?? file) : file);

/** Every cycle of files, as the files on it (Tarjan's strongly connected components of size > 1). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        on.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}
