// The soak's samples and summary, as a text table or JSON (pure: the test feeds it made-up samples).

export interface Sample {
  /** Seconds since the start. */
  readonly t: number;
  readonly phase: string;
  /** Established client connections at tlsterm's port (kernel's count). */
  readonly client_conns: number;
  /** Connections open at the upstream (the upstream's count). */
  readonly upstream_conns: number;
  readonly rss_primary_mib: number;
  readonly rss_workers_mib: readonly number[];
  readonly rss_total_mib: number;
  /** Ordinary clients so far. */
  readonly ok: number;
  readonly failed: number;
}

export interface PhaseEnd {
  readonly phase: string;
  readonly seconds: number;
  readonly bounds: string;
  readonly client_conns_at_end: number;
  readonly upstream_conns_at_end: number;
  readonly max_client_conns: number;
  readonly max_upstream_conns: number;
  /** Per adversary: opened/failed/cut_by_server/open (holds) or done/failed (floods, junk). */
  readonly adversaries: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface Summary {
  readonly seconds: number;
  readonly workers: number;
  /** The bounds written in the short phases (keys the tree knows), and those it did not know. */
  readonly bounds_in_force: Readonly<Record<string, unknown>>;
  readonly max_client_conns: number;
  readonly max_upstream_conns: number;
  readonly rss_before_mib: number;
  readonly rss_peak_mib: number;
  readonly rss_after_60s_mib: number;
  /** rss_after_60s / rss_before: the goal is ≤ 1.2. */
  readonly rss_after_ratio: number;
  readonly ordinary_ok: number;
  readonly ordinary_failed: number;
  /** By kind: connect (no connection), timeout (no whole answer in 5 s), closed (before the answer), status (not 200). */
  readonly ordinary_failures: Readonly<Record<string, number>>;
  readonly reloads_ok: number;
  readonly reloads_failed: number;
  /** tlsterm's log: worker_exited (a crash), memory_relief, reloaded, reload_failed. */
  readonly events: Readonly<Record<string, number>>;
  readonly phases: readonly PhaseEnd[];
}

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** RSS before load: the last baseline sample; after: the first cool-down sample ≥ 60 s in (else the last). */
export function summarize(
  samples: readonly Sample[],
  phases: readonly PhaseEnd[],
  extra: Pick<
    Summary,
    | 'seconds'
    | 'workers'
    | 'bounds_in_force'
    | 'reloads_ok'
    | 'reloads_failed'
    | 'events'
    | 'ordinary_failures'
  >,
): Summary {
  const baseline = samples.filter((s) => s.phase === 'baseline');
  const cool = samples.filter((s) => s.phase === 'cooldown');
  const coolStart = cool[0]?.t ?? 0;
  const before = (baseline.at(-1) ?? samples[0])?.rss_total_mib ?? 0;
  const after =
    (cool.find((s) => s.t - coolStart >= 60) ?? cool.at(-1) ?? samples.at(-1))?.rss_total_mib ?? 0;
  const last = samples.at(-1);
  return {
    ...extra,
    max_client_conns: Math.max(0, ...samples.map((s) => s.client_conns)),
    max_upstream_conns: Math.max(0, ...samples.map((s) => s.upstream_conns)),
    rss_before_mib: before,
    rss_peak_mib: Math.max(0, ...samples.map((s) => s.rss_total_mib)),
    rss_after_60s_mib: after,
    rss_after_ratio: before > 0 ? round(after / before, 2) : 0,
    ordinary_ok: last?.ok ?? 0,
    ordinary_failed: last?.failed ?? 0,
    phases,
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatSamples(samples: readonly Sample[]): string {
  return table(
    [
      't_s',
      'phase',
      'client_conns',
      'upstream_conns',
      'rss_primary',
      'rss_workers',
      'rss_total',
      'ok',
      'failed',
    ],
    samples.map((s) => [
      String(s.t),
      s.phase,
      String(s.client_conns),
      String(s.upstream_conns),
      s.rss_primary_mib.toFixed(1),
      s.rss_workers_mib.map((w) => w.toFixed(1)).join('+'),
      s.rss_total_mib.toFixed(1),
      String(s.ok),
      String(s.failed),
    ]),
  );
}

const countsText = (c: Readonly<Record<string, number>>): string =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export function formatSummary(s: Summary): string {
  const phases = table(
    ['phase', 'bounds', 'seconds', 'client_at_end', 'upstream_at_end', 'client_max', 'upstream_max'],
    s.phases.map((p) => [
      p.phase,
      p.bounds,
      String(p.seconds),
      String(p.client_conns_at_end),
      String(p.upstream_conns_at_end),
      String(p.max_client_conns),
      String(p.max_upstream_conns),
    ]),
  );
  const adversaries = s.phases.flatMap((p) =>
    Object.entries(p.adversaries).map(([name, c]) => `  ${p.phase}/${name}: ${countsText(c)}`),
  );
  const verdict = s.rss_after_ratio <= 1.2 ? 'within 20%' : 'NOT within 20%';
  return [
    `soak: ${s.seconds} s, ${s.workers} workers; short bounds: ${JSON.stringify(s.bounds_in_force)}`,
    `max held: ${s.max_client_conns} client connections, ${s.max_upstream_conns} upstream connections`,
    `RSS (all processes): before load ${s.rss_before_mib.toFixed(1)} MiB, peak ${s.rss_peak_mib.toFixed(1)} MiB, ` +
      `60 s after load ${s.rss_after_60s_mib.toFixed(1)} MiB (${s.rss_after_ratio.toFixed(2)}x before: ${verdict})`,
    `ordinary clients: ${s.ordinary_ok} ok, ${s.ordinary_failed} failed (${countsText(s.ordinary_failures)}); reloads: ${s.reloads_ok} ok, ${s.reloads_failed} failed`,
    `tlsterm log: ${countsText(s.events)}`,
    '',
    phases,
    '',
    'adversaries (cut_by_server: connections tlsterm ended while the adversary still held them):',
    ...adversaries,
  ].join('\n');
}
