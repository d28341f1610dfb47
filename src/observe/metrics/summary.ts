// The status page's figures: the instance's counters digested into totals per dimension, and a
// history of one total per minute for the last hour (the primary takes one each minute), so each
// minute's bucket is the difference between two totals. Pure: no clock, no IPC.

import type { MetricValue } from './cells.ts';
import { METRICS } from './definitions.ts';
import type { MetricJson } from './registry.ts';

export type Counts = Record<string, number>;

/** Everything counted since the instance started, by dimension. */
export interface Totals {
  readonly handshakes: Counts; // ok / failed
  readonly versions: Counts;
  readonly suites: Counts;
  readonly groups: Counts;
  readonly pq: number;
  readonly failures: Counts; // by reason
  readonly resumptions: Counts; // by kind
  readonly requests: Counts; // by status class
  readonly upstream_errors: Counts; // by kind
}

export interface Certificate {
  readonly site: string;
  readonly serial: string;
  readonly key_type: string;
  readonly not_after: string;
}

export interface Bucket extends Totals {
  /** Start of the minute (ISO 8601); the last bucket is the minute in progress. */
  readonly start: string;
}

export interface Summary {
  readonly generated_at: string;
  readonly window_minutes: number;
  /** Over the whole window. */
  readonly totals: Totals;
  readonly minutes: readonly Bucket[];
  readonly certificates: readonly Certificate[];
  readonly connections_open: Counts;
  readonly workers: {
    readonly answered: number;
    /** Pids that did not answer this scrape in time. */
    readonly silent: readonly number[];
    readonly list: readonly {
      readonly pid: number;
      readonly generation: number;
      readonly ready: boolean;
      /** Its open connections past the handshake, from its last answer: how the kernel spread them. */
      readonly connections?: number;
    }[];
  };
}

const valuesOf = (json: readonly MetricJson[], name: string): readonly MetricValue[] =>
  json.find((m) => m.name === name)?.values ?? [];

const add = (counts: Counts, key: string | undefined, n: number): void => {
  if (key === undefined || n === 0) return;
  counts[key] = (counts[key] ?? 0) + n;
};

export function digest(json: readonly MetricJson[]): Totals {
  const t = {
    handshakes: {},
    versions: {},
    suites: {},
    groups: {},
    pq: 0,
    failures: {},
    resumptions: {},
    requests: {},
    upstream_errors: {},
  } satisfies Totals;
  for (const { labels, value } of valuesOf(json, METRICS.handshakes.name)) {
    add(t.handshakes, labels.result, value);
    if (labels.result === 'ok') {
      add(t.versions, labels.version, value);
      add(t.suites, labels.suite, value);
      add(t.groups, labels.group ?? 'none', value);
    } else add(t.failures, labels.reason, value);
  }
  for (const { value } of valuesOf(json, METRICS.handshakesPq.name)) t.pq += value;
  for (const { labels, value } of valuesOf(json, METRICS.resumptions.name))
    add(t.resumptions, labels.kind, value);
  for (const { labels, value } of valuesOf(json, METRICS.requests.name))
    add(t.requests, labels.status_class, value);
  for (const { labels, value } of valuesOf(json, METRICS.upstreamErrors.name))
    add(t.upstream_errors, labels.kind, value);
  return t;
}

const diffCounts = (a: Counts, b: Counts): Counts => {
  const out: Counts = {};
  for (const [k, v] of Object.entries(a)) add(out, k, v - (b[k] ?? 0));
  return out;
};

/** What happened between two totals (`earlier` undefined: since the start). */
export function difference(later: Totals, earlier: Totals | undefined): Totals {
  if (earlier === undefined) return later;
  return {
    handshakes: diffCounts(later.handshakes, earlier.handshakes),
    versions: diffCounts(later.versions, earlier.versions),
    suites: diffCounts(later.suites, earlier.suites),
    groups: diffCounts(later.groups, earlier.groups),
    pq: later.pq - earlier.pq,
    failures: diffCounts(later.failures, earlier.failures),
    resumptions: diffCounts(later.resumptions, earlier.resumptions),
    requests: diffCounts(later.requests, earlier.requests),
    upstream_errors: diffCounts(later.upstream_errors, earlier.upstream_errors),
  };
}

export interface Mark {
  readonly at: number;
  readonly totals: Totals;
}

/** The minute marks of the last hour, oldest first; bounded. */
export class MinuteHistory {
  private readonly marks: Mark[] = [];
  private readonly keep: number;
  constructor(keep = 60) {
    this.keep = keep;
  }

  mark(at: number, totals: Totals): void {
    this.marks.push({ at, totals });
    if (this.marks.length > this.keep) this.marks.shift();
  }

  /** One bucket per minute mark, then the minute in progress (up to `now`). */
  buckets(now: Totals, nowMs: number): Bucket[] {
    const out: Bucket[] = [];
    for (let i = 0; i < this.marks.length; i++) {
      const m = this.marks[i]!;
      const prev = this.marks[i - 1];
      // The first mark starts the window: what came before it is older than the hour shown.
      if (prev === undefined) continue;
      out.push({ start: new Date(prev.at).toISOString(), ...difference(m.totals, prev.totals) });
    }
    const last = this.marks.at(-1);
    out.push({ start: new Date(last?.at ?? nowMs).toISOString(), ...difference(now, last?.totals) });
    return out;
  }

  /** Everything in the window (since the oldest mark, or since the start). */
  window(now: Totals): Totals {
    return difference(now, this.marks.length >= this.keep ? this.marks[0]?.totals : undefined);
  }
}

export function certificatesOf(json: readonly MetricJson[]): Certificate[] {
  return valuesOf(json, METRICS.certificateNotAfter.name)
    .map(({ labels, value }) => ({
      site: labels.site ?? '',
      serial: labels.serial ?? '',
      key_type: labels.key_type ?? '',
      not_after: new Date(value * 1000).toISOString(),
    }))
    .sort((a, b) => a.not_after.localeCompare(b.not_after));
}

export function connectionsOf(json: readonly MetricJson[]): Counts {
  const out: Counts = {};
  for (const { labels, value } of valuesOf(json, METRICS.connectionsOpen.name))
    add(out, `${labels.listener ?? ''} ${labels.protocol ?? ''}`, value);
  return out;
}

/** All open connections past the handshake in one share (a worker's): connectionsOf, added up. */
export const openConnections = (json: readonly MetricJson[]): number =>
  Object.values(connectionsOf(json)).reduce((n, c) => n + c, 0);
