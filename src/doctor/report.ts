// What `tlsterm doctor` says: one item per question, each answered ok, warning, error or
// not_tested (with why: a check that could not run is never reported as passed).

/** info: a fact that asks for nothing (kTLS the server cannot use). */
export type DoctorStatus = 'ok' | 'info' | 'warning' | 'error' | 'not_tested';

export type DoctorArea = 'runtime' | 'kernel_tls' | 'certificates' | 'limits' | 'listeners';

export interface DoctorItem {
  /** Stable id for automation, e.g. `ktls.kernel`. */
  readonly id: string;
  readonly area: DoctorArea;
  readonly title: string;
  readonly status: DoctorStatus;
  /** What was found, in one or two sentences. */
  readonly detail: string;
  /** What to do about it, when something can be done. */
  readonly hint?: string;
  /** The raw readings behind the verdict (versions, counters, modes). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

export interface DoctorReport {
  readonly items: readonly DoctorItem[];
  readonly counts: Readonly<Record<DoctorStatus, number>>;
}

export function makeReport(items: readonly DoctorItem[]): DoctorReport {
  const counts: Record<DoctorStatus, number> = { ok: 0, info: 0, warning: 0, error: 0, not_tested: 0 };
  for (const i of items) counts[i.status]++;
  return { items, counts };
}

/** Exit status: 1 when any item is an error. */
export const doctorExitCode = (r: DoctorReport): number => (r.counts.error > 0 ? 1 : 0);
