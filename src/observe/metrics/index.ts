// Metrics: the table of every metric, each process's counters and gauges, and the primary's
// aggregation of the workers' shares into one Prometheus scrape and the status page's summary.

export { tapAcmeOrders } from './acme-tap.ts';
export { type Aggregated, aggregateShares, countersOf } from './aggregate.ts';
export type { Labels, MetricValue } from './cells.ts';
export { HANDSHAKE_BUCKETS, METRICS, type MetricKey, type MetricSpec } from './definitions.ts';
export {
  type Collector,
  createProcessMetrics,
  type Emit,
  type MetricJson,
  type ProcessMetrics,
  processMetrics,
  type SiteRequestMetrics,
} from './registry.ts';
export { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from './status-page.ts';
export {
  type Bucket,
  type Certificate,
  certificatesOf,
  connectionsOf,
  difference,
  digest,
  MinuteHistory,
  openConnections,
  type Summary,
  type Totals,
} from './summary.ts';
