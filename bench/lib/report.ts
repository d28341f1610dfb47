// Turning runs into the printed tables and the machine-readable result. Pure: no I/O here.
// The result has one section per kind of proxying (TLS termination, passthrough); each section has
// its own contenders and its own reference, the contender tlsterm's medians are divided by.
import { median, spread } from './stats.ts';

export interface Row {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** Every run's value, per server name. */
  readonly runs: Record<string, number[]>;
}

export function addRun(row: Row, server: string, value: number): void {
  const runs = row.runs[server] ?? [];
  runs.push(value);
  row.runs[server] = runs;
}

export interface ServerStatus {
  readonly available: boolean;
  readonly reason?: string;
  /** Protocol, cipher and group negotiated with the bench's Node client. */
  readonly negotiated?: string;
  /** What the column is, when its name does not say (the floor, a baseline tree). */
  readonly about?: string;
  /** Resident memory per process at the fresh start, when the server has more than one. */
  readonly processes?: string;
}

export interface Section {
  /** "termination", "passthrough": also the prefix of the section's row ids. */
  readonly id: string;
  readonly title: string;
  /** The contender tlsterm is compared with: the ratio column is tlsterm's median / this one's. */
  readonly reference: string;
  /** The table's columns, in order. */
  readonly servers: Record<string, ServerStatus>;
  readonly rows: readonly Row[];
  /** Failed runs and run warnings, printed under the table. */
  readonly notes: readonly string[];
  /**
   * Ratio columns as [numerator, denominator] contender names; default tlsterm / the reference.
   * A pair whose contenders are not both columns is left out.
   */
  readonly ratios?: readonly (readonly [string, string])[];
}

export interface BenchResult {
  readonly meta: Record<string, unknown>;
  readonly sections: readonly Section[];
}

export interface SummaryCell {
  readonly median: number | null;
  readonly spread: number | null;
  readonly runs: readonly number[];
}

export interface SummaryRow {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly servers: Record<string, SummaryCell>;
  /** tlsterm's median divided by the section's reference contender's. */
  readonly ratio: number | null;
  /** Every ratio column, keyed "numerator/denominator". */
  readonly ratios: Record<string, number | null>;
}

/** The ratio columns that can be filled: both contenders are columns of the section. */
export function ratioPairs(section: Section): (readonly [string, string])[] {
  const pairs = section.ratios ?? [['tlsterm', section.reference] as const];
  return pairs.filter(([a, b]) => a in section.servers && b in section.servers);
}

export function summarize(section: Section): SummaryRow[] {
  return section.rows.map((row) => {
    const servers: Record<string, SummaryCell> = {};
    for (const name of Object.keys(section.servers)) {
      const runs = row.runs[name] ?? [];
      servers[name] = { median: median(runs) ?? null, spread: spread(runs) ?? null, runs };
    }
    const divide = (a: string, b: string): number | null => {
      const x = servers[a]?.median ?? null;
      const y = servers[b]?.median ?? null;
      return x !== null && y !== null && y !== 0 ? x / y : null;
    };
    const ratios: Record<string, number | null> = {};
    for (const [a, b] of ratioPairs(section)) ratios[`${a}/${b}`] = divide(a, b);
    return {
      id: row.id,
      label: row.label,
      unit: row.unit,
      better: row.better,
      servers,
      ratio: divide('tlsterm', section.reference),
      ratios,
    };
  });
}

export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A fixed-width table: metric, unit, one column per server, then the ratio columns (tlsterm / the reference). */
export function formatTable(section: Section, rows: readonly SummaryRow[]): string {
  const names = Object.keys(section.servers);
  const ratioNames = ratioPairs(section).map(([a, b]) => `${a}/${b}`);
  const header = ['metric', 'unit', ...names, ...ratioNames];
  const body = rows.map((row) => [
    row.label,
    row.unit,
    ...names.map((name) =>
      section.servers[name]?.available === true ? formatNumber(row.servers[name]?.median ?? null) : 'n/a',
    ),
    ...ratioNames.map((key) => {
      const ratio = row.ratios[key] ?? null;
      return ratio === null ? '-' : `${ratio.toFixed(2)}x`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** Lines worth reading under the table: unavailable servers, noisy rows, run warnings. */
export function formatNotes(section: Section, rows: readonly SummaryRow[]): string[] {
  const lines: string[] = [];
  for (const [name, status] of Object.entries(section.servers)) {
    if (status.about !== undefined) lines.push(`${name}: ${status.about}`);
    if (!status.available) lines.push(`${name}: not available: ${status.reason ?? 'unknown reason'}`);
    else if (status.negotiated !== undefined) lines.push(`${name} negotiates ${status.negotiated}`);
    if (status.processes !== undefined)
      lines.push(`${name} processes at the fresh start: ${status.processes}`);
  }
  for (const row of rows) {
    for (const [name, cell] of Object.entries(row.servers)) {
      if (cell.spread !== null && cell.spread > 0.15) {
        lines.push(`noisy: ${row.label.trim()} / ${name}: runs ${cell.runs.map(formatNumber).join(', ')}`);
      }
    }
  }
  lines.push(...section.notes);
  lines.push(
    `ratio a/b > 1: a is higher than b, which is better for rates and worse for MiB, KiB and µs rows`,
  );
  return lines;
}

/** Title, table and notes of every section, as printed on stdout. */
export function formatReport(result: BenchResult): string {
  return result.sections
    .map((section) => {
      const rows = summarize(section);
      const notes = formatNotes(section, rows)
        .map((l) => `  - ${l}`)
        .join('\n');
      return `${section.title}\n\n${formatTable(section, rows)}\n\nnotes:\n${notes}\n`;
    })
    .join('\n');
}

export function toJson(result: BenchResult): string {
  const sections = result.sections.map((section) => ({
    id: section.id,
    title: section.title,
    reference: section.reference,
    ratios: ratioPairs(section).map(([a, b]) => `${a}/${b}`),
    servers: section.servers,
    rows: summarize(section),
    notes: section.notes,
  }));
  return `${JSON.stringify({ meta: result.meta, sections }, null, 2)}\n`;
}
