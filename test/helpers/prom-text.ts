// A strict reader of the Prometheus text exposition format (0.0.4), for tests: it refuses what a
// Prometheus server would refuse or a linter would flag — a sample before its TYPE, a family split
// in two, a duplicate series, a bad name, label or escape, a histogram whose buckets go down or
// whose +Inf bucket is not its count, a counter not named *_total. prom-client writes the text; this
// reads it independently.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, where: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value "${text}"`);
  return Number(text);
}

/** `{a="x",b="y"}` from position `at` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, at: number, where: string): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = at + 1;
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without =`);
    const name = line.slice(i, eq);
    if (!LABEL_NAME.test(name) || name.startsWith('__'))
      throw new Error(`${where}: bad label name "${name}"`);
    if (name in labels) throw new Error(`${where}: label "${name}" twice`);
    if (line[eq + 1] !== '"') throw new Error(`${where}: label value not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = line[j];
      if (c === undefined) throw new Error(`${where}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const n = line[j + 1];
        if (n === '\\') value += '\\';
        else if (n === '"') value += '"';
        else if (n === 'n') value += '\n';
        else throw new Error(`${where}: bad escape \\${n}`);
        j += 2;
      } else {
        value += c;
        j++;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new Error(`${where}: expected , or } after a label`);
  }
  return [labels, i + 1];
}

const familyOf = (sample: string, families: Map<string, Family>): Family | undefined => {
  const exact = families.get(sample);
  if (exact !== undefined) return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const f = families.get(sample.slice(0, -suffix.length));
    if (f !== undefined && (f.type === 'histogram' || f.type === 'summary')) return f;
  }
  return undefined;
};

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: Family | undefined;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) return; // a comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
      let f = families.get(name);
      if (f === undefined) {
        if (current !== undefined) closed.add(current.name);
        f = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, f);
        current = f;
      } else if (f !== current) throw new Error(`${where}: ${name} appears in two places`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type "${rest}"`);
        if (f.samples.length > 0) throw new Error(`${where}: TYPE of ${name} after its samples`);
        (f as { type: string }).type = rest;
      } else (f as { help: string }).help = rest;
      return;
    }
    const brace = line.search(/[{ ]/);
    if (brace < 0) throw new Error(`${where}: no value`);
    const name = line.slice(0, brace);
    if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
    let labels: Record<string, string> = {};
    let rest = brace;
    if (line[brace] === '{') [labels, rest] = parseLabels(line, brace, where);
    if (line[rest] !== ' ') throw new Error(`${where}: expected a space before the value`);
    const parts = line.slice(rest + 1).split(' ');
    if (parts.length > 2) throw new Error(`${where}: trailing text`);
    const value = parseValue(parts[0] ?? '', where);
    const f = familyOf(name, families);
    if (f === undefined) throw new Error(`${where}: sample ${name} without a TYPE`);
    if (f !== current || closed.has(f.name))
      throw new Error(`${where}: ${f.name}'s samples are not together`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`${where}: duplicate series ${key}`);
    seen.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) checkFamily(f);
  return families;
}

function checkFamily(f: Family): void {
  if (f.type === 'counter') {
    if (!f.name.endsWith('_total')) throw new Error(`counter ${f.name} is not named *_total`);
    for (const s of f.samples) if (s.value < 0) throw new Error(`counter ${f.name} is negative`);
  }
  if (f.type !== 'histogram') return;
  // Per series (labels without le): buckets non-decreasing by le, +Inf present and equal to _count.
  const series = new Map<string, { le: number; value: number }[]>();
  const counts = new Map<string, number>();
  const keyOf = (labels: Readonly<Record<string, string>>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of f.samples) {
    if (s.name === `${f.name}_bucket`) {
      const le = s.labels.le;
      if (le === undefined) throw new Error(`${f.name}_bucket without le`);
      const list = series.get(keyOf(s.labels)) ?? [];
      list.push({ le: parseValue(le, f.name), value: s.value });
      series.set(keyOf(s.labels), list);
    } else if (s.name === `${f.name}_count`) counts.set(keyOf(s.labels), s.value);
  }
  for (const [key, list] of series) {
    list.sort((a, b) => a.le - b.le);
    for (let i = 1; i < list.length; i++)
      if (list[i]!.value < list[i - 1]!.value) throw new Error(`${f.name}${key}: buckets go down`);
    const inf = list.at(-1);
    if (inf?.le !== Number.POSITIVE_INFINITY) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (counts.get(key) !== inf.value) throw new Error(`${f.name}${key}: +Inf bucket is not _count`);
  }
}

/** The sum of a family's samples (of `sample` name, default the family's) whose labels include `match`. */
export function sumOf(
  families: Map<string, Family>,
  family: string,
  match: Readonly<Record<string, string>> = {},
  sample = family,
): number {
  const f = families.get(family);
  if (f === undefined) return 0;
  return f.samples
    .filter((s) => s.name === sample && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
