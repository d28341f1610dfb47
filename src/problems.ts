// Problems: the one type every checker reports in, its constructors, sorting and the compiler-style text `tlsterm check` prints.
//
//   config.yaml:12  listeners[0].sites[0].certificates[0].key  error: key does not match certificate …
//       hint: use the key generated with this certificate …
//   2 errors, 1 warning

export type Severity = 'error' | 'warning';

/** One finding of a checker (config, certificates, policy, ACME settings): where, what, what to do. */
export interface Problem {
  readonly severity: Severity;
  /** Where in the file: a dotted path such as `listeners[0].sites[1].certificates[0].cert`. */
  readonly path: string;
  /** 1-based line in the config file, when known. */
  readonly line?: number;
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}

/** Problem constructors shared by every checker (config, certificates, policy). */
export const err = (path: string, message: string, hint: string): Problem => ({
  severity: 'error',
  path,
  message,
  hint,
});
export const warn = (path: string, message: string, hint: string): Problem => ({
  severity: 'warning',
  path,
  message,
  hint,
});

/** By line (problems without one first: they concern the whole file), then errors before warnings. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.path.localeCompare(b.path),
  );
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summarize(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length === 0) return 'no problems';
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function formatProblems(problems: readonly Problem[], file: string): string {
  const lines: string[] = [];
  for (const p of sortProblems(problems)) {
    const where = p.line !== undefined ? `${file}:${p.line}` : file;
    const path = p.path === '' ? '' : `  ${p.path}`;
    lines.push(`${where}${path}  ${p.severity}: ${p.message}`);
    if (p.hint) lines.push(`    hint: ${p.hint}`);
  }
  lines.push(summarize(problems));
  return `${lines.join('\n')}\n`;
}
