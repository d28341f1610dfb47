// One scrape for the whole instance: the workers' shares (and the primary's own) folded by each
// metric's aggregator with prom-client's AggregatorRegistry.aggregate, rendered in the Prometheus
// text format by prom-client. Our own cluster messages carry the shares (serve/cluster), not
// prom-client's: a worker that does not answer in time is reported, not waited on. prom-client itself
// (~20 MiB) loads on the first scrape: every worker, and an instance nobody scrapes, never load it.

import type { MetricJson } from './registry.ts';

export interface Aggregated {
  /** Prometheus text exposition format 0.0.4. */
  readonly text: string;
  readonly contentType: string;
  /** The same figures as JSON, for the summary. */
  readonly json: readonly MetricJson[];
}

export async function aggregateShares(shares: readonly (readonly MetricJson[])[]): Promise<Aggregated> {
  const promClient = (await import('prom-client')).default;
  const registry = promClient.AggregatorRegistry.aggregate(shares as unknown as object[]);
  const [text, json] = await Promise.all([registry.metrics(), registry.getMetricsAsJSON()]);
  return { text, contentType: registry.contentType, json: json as unknown as MetricJson[] };
}

/**
 * The counters and histograms of a share that is gone (a drained or dead worker): kept by the
 * primary and added to every later scrape, so a reload or a restart does not make counts go down.
 * Gauges are left out: they were that worker's present, not the instance's.
 */
export function countersOf(share: readonly MetricJson[]): MetricJson[] {
  return share.filter((m) => m.type !== 'gauge');
}
