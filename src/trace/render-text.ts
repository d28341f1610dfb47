// The terminal ladder: one arrow per record between the client and server columns, the decoded
// messages under it, and the key schedule above, as the seeds draw their handshake diagrams.
import { dataPreview, messageLines, recordLabel, sessionFacts } from './summary.ts';
import type { TraceRecord, TraceReport, TraceSession } from './types.ts';

const ARROW = 52;

function arrow(dir: 'client' | 'server', label: string): string {
  const text = label.length > ARROW - 8 ? `${label.slice(0, ARROW - 9)}…` : label;
  const dashes = ARROW - 4 - text.length;
  if (dir === 'client') return `├─ ${text} ${'─'.repeat(Math.max(1, dashes - 1))}▶│`;
  return `│◀${'─'.repeat(Math.max(1, dashes - 1))} ${text} ─┤`;
}

function recordNote(r: TraceRecord): string {
  const size = `${r.length} B`;
  if (!r.encrypted) return r.seq === null ? `${r.wire_type} · ${size}` : `${r.wire_type} #${r.seq} · ${size}`;
  const keys = `${r.epoch} keys #${r.seq ?? '?'}`;
  if (r.decrypted === true) return `🔒 ${keys} · ${size} · tag ✓`;
  return r.tag_ok === false ? `🔒 ${keys} · ${size} · TAG FAILED` : `🔒 ${keys} · ${size} · not decrypted`;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The ladder lines of one record: its arrow, then what it held. */
export function recordLines(r: TraceRecord): string[] {
  const out: string[] = [];
  const time = r.time === null ? '        ' : `${r.time.toFixed(3).padStart(7)}s`;
  out.push(`${time}  ${arrow(r.dir, recordLabel(r))}  ${recordNote(r)}`);
  const indent = '          │    ';
  if (r.encrypted && r.decrypted === true && r.nonce !== undefined)
    out.push(`${indent}nonce ${r.nonce} · tag ${r.tag ?? ''}`);
  if (r.error !== undefined) out.push(`${indent}${r.tag_ok === false ? '✗ ' : ''}${r.error}`);
  for (const d of r.details ?? []) {
    const lines = messageLines(d);
    const many = (r.details?.length ?? 0) > 1;
    lines.forEach((line, i) => {
      out.push(`${indent}${many ? (i === 0 ? `${d.name}: ` : '  ') : ''}${line}`);
    });
  }
  if (r.alert) out.push(`${indent}${r.alert.level} alert: ${r.alert.description}`);
  for (const line of dataPreview(r)) out.push(`${indent}│ ${line}`);
  return out;
}

/** The line above a ladder. */
export const LADDER_HEAD = `          ${pad('client', ARROW - 4)}server`;

/** The connection a session ran on. */
export const sessionTitle = (s: Pick<TraceSession, 'client' | 'server' | 'sni'>): string =>
  `TLS ${s.client} → ${s.server}${s.sni ? `  SNI ${s.sni}` : ''}`;

/** What a session came to: facts, verdict, where its secrets came from, warnings and key schedule. */
export function summaryLines(s: Omit<TraceSession, 'records'>): string[] {
  const out: string[] = [];
  out.push(`  ${sessionFacts(s).join(' · ')}`);
  out.push(`  decrypted: ${s.decrypted ? 'yes' : `no — ${s.why_not ?? ''}`}`);
  out.push(`  secrets from: ${s.key_schedule.source}`);
  for (const w of s.warnings) out.push(`  warning: ${w}`);
  if (s.key_schedule.steps.length > 0 || Object.keys(s.secrets).length > 0) {
    out.push('', '  key schedule');
    for (const step of s.key_schedule.steps) out.push(`    ${step}`);
    const rows = [...Object.entries(s.secrets), ...Object.entries(s.keys)];
    const width = Math.max(0, ...rows.map(([k]) => k.length));
    for (const [k, v] of rows) out.push(`    ${pad(k, width)}  ${v}`);
    if (s.key_schedule.unavailable.length > 0)
      out.push(`    not derivable here: ${s.key_schedule.unavailable.join(', ')}`);
  }
  return out;
}

export function renderSessionText(s: TraceSession): string {
  const out: string[] = [sessionTitle(s), ...summaryLines(s), '', LADDER_HEAD];
  for (const r of s.records) out.push(...recordLines(r));
  return out.join('\n');
}

export function renderText(report: TraceReport): string {
  if (report.sessions.length === 0) return 'no TLS sessions found\n';
  return `${report.sessions.map(renderSessionText).join('\n\n')}\n`;
}
