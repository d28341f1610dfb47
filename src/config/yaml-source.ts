// YAML text → plain data, keeping the way back from a config path to a line number so every Problem
// can point at the line that caused it.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Problem } from '../problems.ts';

export type PathKey = string | number;

export interface YamlSource {
  /** The document as plain JS data (undefined when the YAML itself has errors). */
  readonly value: unknown;
  /** YAML syntax errors and warnings. */
  readonly problems: Problem[];
  /** 1-based line of the deepest node that exists along `path`. */
  lineOf(path: readonly PathKey[]): number | undefined;
}

/** ['listeners', 0, 'tls', 'ciphers', 2] → 'listeners[0].tls.ciphers[2]' */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? key : `.${key}`;
  return out;
}

/** Inverse of formatPath. */
export function parsePath(text: string): PathKey[] {
  const keys: PathKey[] = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) keys.push(Number(m[2]));
    else if (m[1] !== undefined) keys.push(m[1]);
  }
  return keys;
}

/** Join a parent path and a relative one ('' means the parent itself). */
export function joinPath(parent: string, child: string): string {
  if (child === '') return parent;
  if (parent === '') return child;
  return child.startsWith('[') ? `${parent}${child}` : `${parent}.${child}`;
}

export function parseYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true });
  const lineAt = (offset: number): number => Math.max(1, lineCounter.linePos(offset).line);

  const problems: Problem[] = [];
  for (const [list, severity] of [
    [doc.errors, 'error'],
    [doc.warnings, 'warning'],
  ] as const) {
    for (const e of list) {
      const pos = e.linePos?.[0];
      // The pretty message carries a code frame after the first line; the line number says enough.
      const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
      problems.push({
        severity,
        path: '',
        ...(pos ? { line: Math.max(1, pos.line) } : {}),
        message: `YAML: ${message}`,
        hint:
          e.code === 'DUPLICATE_KEY'
            ? 'each key may appear once per mapping; merge the two entries'
            : 'fix the YAML syntax (indentation uses spaces; quote values that start with * & ! % @ or contain ": ")',
      });
    }
  }

  const lineOf = (path: readonly PathKey[]): number | undefined => {
    let node: unknown = doc.contents;
    let line: number | undefined = rangeLine(node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
        );
        if (!pair) break;
        // Point at the key: for block values it is the line a reader looks for.
        line = rangeLine(pair.key) ?? line;
        node = pair.value;
        if (isScalar(node)) line = rangeLine(node) ?? line;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key];
        if (item === undefined) break;
        line = rangeLine(item) ?? line;
        node = item;
      } else break;
    }
    return line;
  };

  function rangeLine(node: unknown): number | undefined {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? lineAt(range[0]) : undefined;
  }

  if (doc.errors.length > 0) return { value: undefined, problems, lineOf };
  try {
    // maxAliasCount bounds alias expansion ("billion laughs"); exceeding it throws, which we report.
    return { value: doc.toJS({ maxAliasCount: 100 }), problems, lineOf };
  } catch (e) {
    problems.push({
      severity: 'error',
      path: '',
      message: `YAML: ${e instanceof Error ? e.message : String(e)}`,
      hint: 'anchors and aliases are limited; write the repeated values out',
    });
    return { value: undefined, problems, lineOf };
  }
}
