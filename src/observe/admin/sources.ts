// What the admin endpoints read from the running instance. observe/ imports nothing of ours, so
// serve implements this interface (serve/admin/sources.ts) and hands it to the admin listener.
// Every answer that gathers data from the cluster workers names the workers that did not answer in
// time (`missing`) instead of waiting for them.

/** One readiness check: `ok`, or `degraded` (serving, knowingly without something), with why. */
export interface ReadinessCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly degraded?: boolean;
  readonly reason: string;
}

/** Workers asked and not answering within the bound (pids). */
export interface Gathered<T> {
  readonly value: T;
  readonly missing: readonly number[];
}

export interface WorkerInfo {
  readonly pid: number;
  readonly generation: number;
  readonly ready: boolean;
}

export interface InstanceStatus {
  readonly version: string;
  readonly pid: number;
  readonly uptime_seconds: number;
  readonly generation: number;
  readonly workers: readonly WorkerInfo[];
  readonly config: { readonly file: string | null; readonly sha256: string | null };
  /** Extra sections (e.g. the on-demand key log) keyed by name. */
  readonly [section: string]: unknown;
}

export interface ReloadReply {
  readonly ok: boolean;
  readonly generation: number;
  /** Why it was refused or failed (absent when ok). */
  readonly reason?: string;
  readonly detail?: string;
}

export interface AdminSources {
  readiness(): Promise<readonly ReadinessCheck[]>;
  status(): Promise<InstanceStatus>;
  reload(): Promise<ReloadReply>;
}
