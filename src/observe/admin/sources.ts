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

/** Filters of `GET /api/v1/events`, as given (checked by the source). */
export interface EventFilter {
  readonly limit: number;
  readonly site?: string;
  readonly reason?: string;
  /** A CIDR (or one address). */
  readonly client?: string;
}

/** An answer a source can refuse: a status and the reason (400 for a bad parameter). */
export type SourceAnswer<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly hint?: string };

/** A JSON object as the API returns it. */
export type JsonObject = Readonly<Record<string, unknown>>;

export interface AdminSources {
  readiness(): Promise<readonly ReadinessCheck[]>;
  status(): Promise<InstanceStatus>;
  reload(): Promise<ReloadReply>;
  /** Per site, the pairs the workers hold in service, with their last reload result. */
  certificates(): Promise<Gathered<JsonObject>>;
  connections(limit: number): Promise<Gathered<JsonObject>>;
  ticketKeys(): Promise<Gathered<JsonObject>>;
  events(filter: EventFilter): Promise<SourceAnswer<Gathered<JsonObject>>>;
  /** The request body of `POST /api/v1/keylog` (site, client, duration, file), checked by the source. */
  keylogStart(body: JsonObject): Promise<SourceAnswer<JsonObject>>;
  keylogStop(): Promise<SourceAnswer<JsonObject>>;
}
