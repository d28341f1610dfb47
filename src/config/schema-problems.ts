// valibot's schema issues → Problems: unknown keys (with a "did you mean"), missing keys, wrong types.

import type * as v from 'valibot';
import type { Problem } from '../problems.ts';
import { closestNames, didYouMean } from '../tls/suggest.ts';
import { type ConfigSchema, knownKeysAt } from './schema.ts';
import { formatPath, type PathKey, type YamlSource } from './yaml-source.ts';

type Issue = v.InferIssue<typeof ConfigSchema>;

interface LooseIssue {
  readonly kind: string;
  readonly type: string;
  readonly expected: string | null;
  readonly received: string;
  readonly message: string;
  readonly path?: readonly { readonly key: unknown }[];
  readonly issues?: readonly LooseIssue[];
}

/**
 * A union's own issue says little; the issues of the option whose type matched say what is wrong.
 * Their paths are relative to the union's value, so they get the union's path in front.
 */
function flatten(issue: LooseIssue): LooseIssue[] {
  if (issue.type !== 'union' || !issue.issues) return [issue];
  const prefix = issue.path ?? [];
  const deeper = issue.issues.filter(
    (i) => (i.path?.length ?? 0) > 0 || (i.type === 'strict_object' && i.expected !== 'Object'),
  );
  if (deeper.length === 0) return [issue];
  return deeper.flatMap((i) => flatten({ ...i, path: [...prefix, ...(i.path ?? [])] }));
}

export function schemaProblems(issues: readonly Issue[], source: YamlSource): Problem[] {
  const flat = (issues as readonly LooseIssue[]).flatMap(flatten);
  const problems: Problem[] = [];
  const suggested = new Set<string>();
  const missing: { keys: PathKey[]; key: string }[] = [];
  for (const issue of flat) {
    const keys = (issue.path ?? []).map((p) => p.key as PathKey);
    const pathText = formatPath(keys);
    const line = source.lineOf(keys);
    const at = (message: string, hint: string): void => {
      problems.push({
        severity: 'error',
        path: pathText,
        ...(line !== undefined ? { line } : {}),
        message,
        hint,
      });
    };
    const last = keys[keys.length - 1];
    if (issue.type === 'strict_object' && issue.expected === 'never' && typeof last === 'string') {
      const parent = keys.slice(0, -1);
      const known = knownKeysAt(parent);
      const best = closestNames(last, known, 1);
      for (const b of best) suggested.add(formatPath([...parent, b]));
      at(
        `unknown key '${last}'${didYouMean(best)}`,
        known.length > 0 ? `keys allowed here: ${known.join(', ')}` : 'remove it',
      );
    } else if (issue.type === 'strict_object' && issue.received === 'undefined' && typeof last === 'string') {
      missing.push({ keys, key: last });
    } else if (issue.type === 'strict_object' || issue.message.startsWith('Invalid type')) {
      at(
        keys.length === 0
          ? 'the config must be a mapping with a listeners list'
          : `${String(last)} has the wrong type: expected ${issue.expected ?? 'something else'}, got ${issue.received}`,
        'see docs/configuration.md for the shape of each key',
      );
    } else {
      at(
        `${issue.message}${issue.kind === 'schema' ? ` (got ${issue.received})` : ''}`,
        'see docs/configuration.md',
      );
    }
  }
  for (const m of missing) {
    // "unknown key 'adress'; did you mean 'address'?" already says it.
    if (suggested.has(formatPath(m.keys))) continue;
    const parentKeys = m.keys.slice(0, -1);
    const line = source.lineOf(parentKeys);
    problems.push({
      severity: 'error',
      path: formatPath(parentKeys),
      ...(line !== undefined ? { line } : {}),
      message: `missing required key '${m.key}'`,
      hint: `add ${m.key}: (see docs/configuration.md)`,
    });
  }
  return problems;
}
