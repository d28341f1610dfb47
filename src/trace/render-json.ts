// `--format json`: the report as is (its field names are the JSON names), two-space indented.
import type { TraceReport } from './types.ts';

export function renderJson(report: TraceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
