// Turning runs into the printed table and the machine-readable result. Pure: no I/O here.
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
}

export interface BenchResult {
  readonly meta: Record<string, unknown>;
  readonly servers: Record<string, ServerStatus>;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
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
  /** tlsterm's median divided by nginx's. */
  readonly tlstermToNginx: number | null;
}

export function summarize(result: BenchResult): SummaryRow[] {
  return result.rows.map((row) => {
    const servers: Record<string, SummaryCell> = {};
    for (const name of Object.keys(result.servers)) {
      const runs = row.runs[name] ?? [];
      servers[name] = { median: median(runs) ?? null, spread: spread(runs) ?? null, runs };
    }
    const t = servers['tlsterm']?.median ?? null;
    const n = servers['nginx']?.median ?? null;
    return {
      id: row.id,
      label: row.label,
      unit: row.unit,
      better: row.better,
      servers,
      tlstermToNginx: t !== null && n !== null && n !== 0 ? t / n : null,
    };
  });
}

export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A fixed-width table: metric, unit, one column per server, then the tlsterm/nginx ratio. */
export function formatTable(result: BenchResult, rows: readonly SummaryRow[]): string {
  const names = Object.keys(result.servers);
  const header = ['metric', 'unit', ...names, 'tlsterm/nginx'];
  const body = rows.map((row) => [
    row.label,
    row.unit,
    ...names.map((name) =>
      result.servers[name]?.available === true ? formatNumber(row.servers[name]?.median ?? null) : 'n/a',
    ),
    row.tlstermToNginx === null ? '-' : `${row.tlstermToNginx.toFixed(2)}x`,
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
export function formatNotes(result: BenchResult, rows: readonly SummaryRow[]): string[] {
  const lines: string[] = [];
  for (const [name, status] of Object.entries(result.servers)) {
    if (!status.available) lines.push(`${name}: not available: ${status.reason ?? 'unknown reason'}`);
    else if (status.negotiated !== undefined) lines.push(`${name} negotiates ${status.negotiated}`);
  }
  for (const row of rows) {
    for (const [name, cell] of Object.entries(row.servers)) {
      if (cell.spread !== null && cell.spread > 0.15) {
        lines.push(`noisy: ${row.label.trim()} / ${name}: runs ${cell.runs.map(formatNumber).join(', ')}`);
      }
    }
  }
  lines.push(...result.notes);
  lines.push('ratio > 1: tlsterm is higher, which is better for rates and worse for MiB, KiB and µs rows');
  return lines;
}

export function toJson(result: BenchResult): string {
  return `${JSON.stringify({ meta: result.meta, servers: result.servers, rows: summarize(result), notes: result.notes }, null, 2)}\n`;
}
