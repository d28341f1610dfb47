// One entry point for the three output formats.
import { renderHtml } from './render-html.ts';
import { renderJson } from './render-json.ts';
import { renderText } from './render-text.ts';
import type { TraceReport } from './types.ts';

export const TRACE_FORMATS = ['text', 'json', 'html'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export function isTraceFormat(value: string): value is TraceFormat {
  return (TRACE_FORMATS as readonly string[]).includes(value);
}

export function renderReport(report: TraceReport, format: TraceFormat, title?: string): string {
  if (format === 'json') return renderJson(report);
  if (format === 'html') return renderHtml(report, title);
  return renderText(report);
}

/** The one line printed on stderr whenever output holds secrets. */
export const SECRETS_WARNING =
  'tlsterm: this output contains TLS session secrets and decrypted traffic; anyone who has it can read these sessions\n';
