// The doctor's report for a person: one line per item, grouped by area, then the details.

import type { DoctorArea, DoctorReport, DoctorStatus } from './report.ts';

const MARK: Record<DoctorStatus, string> = {
  ok: 'ok  ',
  info: 'info',
  warning: 'WARN',
  error: 'FAIL',
  not_tested: 'n/t ',
};

const AREA_TITLE: Record<DoctorArea, string> = {
  runtime: 'Runtime',
  kernel_tls: 'Kernel TLS (seed 001 checklist)',
  certificates: 'Certificates',
  limits: 'Limits',
  listeners: 'Listeners',
};

export function renderDoctorText(r: DoctorReport): string {
  const out: string[] = [];
  for (const area of Object.keys(AREA_TITLE) as DoctorArea[]) {
    const items = r.items.filter((i) => i.area === area);
    if (items.length === 0) continue;
    out.push(`${AREA_TITLE[area]}`);
    for (const i of items) {
      out.push(`  [${MARK[i.status]}] ${i.title}`);
      for (const line of i.detail.split('\n')) out.push(`         ${line}`);
      if (i.hint !== undefined) out.push(`         hint: ${i.hint}`);
    }
    out.push('');
  }
  const c = r.counts;
  out.push(
    `${c.error} error(s), ${c.warning} warning(s), ${c.not_tested} not tested, ${c.ok} ok, ${c.info} for information`,
  );
  return `${out.join('\n')}\n`;
}
