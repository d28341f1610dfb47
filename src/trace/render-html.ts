// `--format html`: one self-contained page (inline CSS, no scripts, nothing fetched) with the
// same ladder as the terminal, each record's details and plaintext folded under it.
import { Buffer } from 'node:buffer';
import { dataPreview, messageLines, recordLabel, sessionFacts } from './summary.ts';
import type { TraceRecord, TraceReport, TraceSession } from './types.ts';

/** Text made safe inside HTML elements and attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The ladder's styles, for pages that embed a session (serve's inspect page). */
export const TRACE_CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2330;background:#fbfbfd}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2.5rem;border-top:1px solid #ccd;padding-top:1rem}
.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.4rem .8rem;margin:.6rem 0}
.facts span{display:inline-block;margin-right:1rem}.bad{color:#b3261e;font-weight:600}.good{color:#1b7f3b;font-weight:600}
table.keys{border-collapse:collapse;font:12px ui-monospace,monospace}table.keys td{padding:.1rem .6rem;vertical-align:top;word-break:break-all}
table.keys td:first-child{white-space:nowrap;color:#555}
.steps{font:12px ui-monospace,monospace;color:#333;white-space:pre-wrap}
.ladder{display:grid;grid-template-columns:5rem 1fr 1fr;gap:0;margin-top:1rem;max-width:72rem}
.ladder .head{font-weight:600;padding:.3rem 0;border-bottom:2px solid #889}
.t{font:12px ui-monospace,monospace;color:#667;padding-top:.5rem}
.rec{grid-column:2/4;padding:.35rem .5rem;margin:.25rem 0;border-radius:6px;background:#fff;border:1px solid #dde}
.rec.client{margin-right:8rem;border-left:6px solid #3866d6}.rec.server{margin-left:8rem;border-right:6px solid #c26d1b;text-align:right}
.rec.server details{text-align:left}.rec.failed{background:#fde8e6}
.arrow{font-weight:600}.lock{background:#e6ecfa;color:#23408e;border-radius:3px;padding:0 .3rem}.meta{font:12px ui-monospace,monospace;color:#556}
details pre{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;background:#f3f4f8;padding:.4rem;margin:.3rem 0}
`;

/** Where a term (a message name, "ChangeCipherSpec") is explained, if anywhere. */
export type TermHref = (term: string) => string | undefined;

function recordHtml(r: TraceRecord, termHref?: TermHref): string {
  const label = recordLabel(r);
  const href = termHref?.(label);
  const shown =
    href === undefined ? escapeHtml(label) : `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const arrow = r.dir === 'client' ? `${shown} →` : `← ${shown}`;
  const meta = r.encrypted
    ? `<span class="lock">encrypted</span> ${escapeHtml(r.epoch)} keys #${r.seq ?? '?'} · ${r.length} B · ${r.decrypted ? 'tag ✓' : r.tag_ok === false ? '<span class="bad">TAG FAILED</span>' : 'not decrypted'}`
    : `${escapeHtml(r.wire_type)}${r.seq === null ? '' : ` #${r.seq}`} · ${r.length} B`;
  const lines: string[] = [];
  if (r.nonce !== undefined) lines.push(`nonce ${r.nonce} · tag ${r.tag ?? ''}`);
  if (r.error !== undefined) lines.push(r.error);
  for (const d of r.details ?? []) for (const l of messageLines(d)) lines.push(`${d.name}: ${l}`);
  if (r.alert) lines.push(`${r.alert.level} alert: ${r.alert.description}`);
  lines.push(...dataPreview(r, 20, 200).map((l) => `| ${l}`));
  const body = r.plaintext_b64 !== undefined ? Buffer.from(r.plaintext_b64, 'base64') : undefined;
  const hex =
    body === undefined
      ? ''
      : `<details><summary>plaintext (${body.length} bytes, hex)</summary><pre>${hexDump(body)}</pre></details>`;
  const detail =
    lines.length > 0
      ? `<details><summary>details</summary><pre>${escapeHtml(lines.join('\n'))}</pre>${hex}</details>`
      : hex;
  const failedClass = r.tag_ok === false ? ' failed' : '';
  return `<div class="rec ${r.dir}${failedClass}"><div class="arrow">${arrow}</div><div class="meta">${meta}</div>${detail}</div>`;
}

function hexDump(bytes: Uint8Array): string {
  const rows: string[] = [];
  for (let at = 0; at < Math.min(bytes.length, 4096); at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    rows.push(`${at.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  ${escapeHtml(text)}`);
  }
  if (bytes.length > 4096) rows.push(`… ${bytes.length - 4096} more bytes`);
  return rows.join('\n');
}

/** One session's section: facts, key schedule and ladder (message names linked by `termHref`). */
export function sessionHtml(s: TraceSession, i: number, termHref?: TermHref): string {
  const facts = sessionFacts(s)
    .map((f) => `<span>${escapeHtml(f)}</span>`)
    .join('');
  const verdict = s.decrypted
    ? '<span class="good">decrypted</span>'
    : `<span class="bad">not decrypted</span>: ${escapeHtml(s.why_not ?? '')}`;
  const rows = [...Object.entries(s.secrets), ...Object.entries(s.keys)]
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  const ladder = s.records
    .map(
      (r) =>
        `<div class="t">${r.time === null ? '' : `${r.time.toFixed(3)} s`}</div>${recordHtml(r, termHref)}`,
    )
    .join('');
  return `<section><h2>Session ${i + 1}: ${escapeHtml(s.client)} → ${escapeHtml(s.server)}${s.sni ? ` (SNI ${escapeHtml(s.sni)})` : ''}</h2>
<p class="facts">${facts}</p><p>${verdict}<br>secrets from: ${escapeHtml(s.key_schedule.source)}</p>
${s.warnings.map((w) => `<div class="warn">${escapeHtml(w)}</div>`).join('')}
<details open><summary>key schedule</summary><div class="steps">${escapeHtml(s.key_schedule.steps.join('\n'))}</div>
<table class="keys">${rows}</table>${s.key_schedule.unavailable.length > 0 ? `<p class="meta">not derivable here: ${escapeHtml(s.key_schedule.unavailable.join(', '))}</p>` : ''}</details>
<div class="ladder"><div class="head"></div><div class="head">client</div><div class="head" style="text-align:right">server</div>${ladder}</div></section>`;
}

export function renderHtml(report: TraceReport, title = 'tlsterm trace'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${TRACE_CSS}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<div class="warn">This page contains TLS session secrets and decrypted traffic. Anyone who has it can read these sessions.</div>
${report.sessions.length === 0 ? '<p>No TLS sessions found.</p>' : report.sessions.map((s, i) => sessionHtml(s, i)).join('\n')}
</body></html>
`;
}
