// One process's metrics (each worker has its own; so has the primary): counters and the handshake
// histogram fed by one call where each fact is computed, and gauges read at scrape time from the
// collectors their owners register (certificates in service, ticket keys, the key log), so they
// never go stale. snapshot() is the process's share of a scrape, in prom-client's JSON form.

import { CounterCells, HistogramCells, type Labels, type MetricValue } from './cells.ts';
import { HANDSHAKE_BUCKETS, METRICS, type MetricKey, type MetricSpec } from './definitions.ts';

/** One metric family in prom-client's getMetricsAsJSON() form (AggregatorRegistry.aggregate's input). */
export interface MetricJson {
  readonly name: string;
  readonly help: string;
  readonly type: MetricSpec['type'];
  readonly aggregator: MetricSpec['aggregator'];
  readonly values: readonly MetricValue[];
}

export type Emit = (key: MetricKey, labels: Labels, value: number) => void;
/** Called at each scrape; emits the gauge values its owner knows now. */
export type Collector = (emit: Emit) => void;

export type ResumedBy = 'ticket' | 'session_id';

/** Requests of one site through one upstream: resolved once per site binding, then two adds. */
export interface SiteRequestMetrics {
  request(status: number): void;
  upstreamError(kind: string): void;
}

export interface ProcessMetrics {
  handshakeOk(
    listener: string,
    site: string,
    version: string,
    suite: string,
    group: string | null,
    postQuantum: boolean,
    resumedBy: ResumedBy | null,
    seconds: number,
  ): void;
  handshakeFailed(listener: string, site: string | null, reason: string): void;
  /** A connection past its handshake; call the returned function once when it closes. */
  connectionOpened(listener: string, protocol: string): () => void;
  bytes(listener: string, received: number, sent: number): void;
  siteRequests(site: string, upstream: string): SiteRequestMetrics;
  workerRestarted(): void;
  /** Registers a gauge source; returns its removal. */
  addCollector(collector: Collector): () => void;
  snapshot(): MetricJson[];
}

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export function createProcessMetrics(): ProcessMetrics {
  const ok = new CounterCells(['listener', 'site', 'version', 'suite', 'group'], { result: 'ok' });
  const failed = new CounterCells(['listener', 'site', 'reason'], { result: 'failed' });
  const pq = new CounterCells(['listener', 'site', 'group']);
  const resumed = new CounterCells(['listener', 'kind']);
  const duration = new HistogramCells(HANDSHAKE_BUCKETS, ['listener']);
  const open = new CounterCells(['listener', 'protocol']);
  const bytesIn = new CounterCells(['listener']);
  const bytesOut = new CounterCells(['listener']);
  const requests = new CounterCells(['site', 'status_class', 'upstream']);
  const upstreamErrors = new CounterCells(['site', 'kind']);
  const restarts = new CounterCells([]);
  restarts.get([]); // 0 restarts is a fact worth a series
  const collectors = new Set<Collector>();

  return {
    handshakeOk(listener, site, version, suite, group, postQuantum, resumedBy, seconds) {
      ok.get([listener, site, version, suite, group ?? '']).value++;
      if (postQuantum && group !== null) pq.get([listener, site, group]).value++;
      if (resumedBy !== null) resumed.get([listener, resumedBy]).value++;
      duration.observe(duration.get([listener]), seconds);
    },
    handshakeFailed(listener, site, reason) {
      failed.get([listener, site ?? '', reason]).value++;
    },
    connectionOpened(listener, protocol) {
      const cell = open.get([listener, protocol]);
      cell.value++;
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        cell.value--;
      };
    },
    bytes(listener, received, sent) {
      bytesIn.get([listener]).value += received;
      bytesOut.get([listener]).value += sent;
    },
    siteRequests(site, upstream) {
      const byClass = STATUS_CLASSES.map((c) => requests.get([site, c, upstream]));
      const errors = new Map<string, { value: number }>();
      return {
        request(status) {
          const cell = byClass[Math.floor(status / 100) - 1];
          if (cell !== undefined) cell.value++;
        },
        upstreamError(kind) {
          let cell = errors.get(kind);
          if (cell === undefined) {
            cell = upstreamErrors.get([site, kind]);
            errors.set(kind, cell);
          }
          cell.value++;
        },
      };
    },
    workerRestarted() {
      restarts.get([]).value++;
    },
    addCollector(collector) {
      collectors.add(collector);
      return () => collectors.delete(collector);
    },
    snapshot() {
      const gauges = new Map<MetricKey, MetricValue[]>();
      const emit: Emit = (key, labels, value) => {
        let list = gauges.get(key);
        if (list === undefined) {
          list = [];
          gauges.set(key, list);
        }
        list.push({ labels, value });
      };
      for (const collect of collectors) collect(emit);
      const counted: Partial<Record<MetricKey, MetricValue[]>> = {
        handshakes: [...ok.values(), ...failed.values()],
        handshakesPq: pq.values(),
        resumptions: resumed.values(),
        handshakeDuration: duration.values(METRICS.handshakeDuration.name),
        connectionsOpen: open.values(),
        requests: requests.values().filter((v) => v.value > 0),
        upstreamErrors: upstreamErrors.values(),
        bytesReceived: bytesIn.values(),
        bytesSent: bytesOut.values(),
        workerRestarts: restarts.values(),
      };
      const out: MetricJson[] = [];
      for (const key of Object.keys(METRICS) as MetricKey[]) {
        const values = counted[key] ?? gauges.get(key);
        if (values === undefined || values.length === 0) continue;
        const spec = METRICS[key];
        out.push({ name: spec.name, help: spec.help, type: spec.type, aggregator: spec.aggregator, values });
      }
      return out;
    },
  };
}

/** This process's metrics: a worker's share of the instance, or the primary's own. */
export const processMetrics: ProcessMetrics = createProcessMetrics();
