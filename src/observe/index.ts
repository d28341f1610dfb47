// Observability: the table of log events, the JSON-lines logger and the key log writer.

export * from './admin/index.ts';
export { EVENTS, type EventLevel, type EventName, type EventSpec } from './events.ts';
export {
  KEYLOG_DEFAULT_MAX_BYTES,
  type KeyLogSettings,
  type KeyLogWriter,
  openKeyLogWriter,
} from './keylog-writer.ts';
export { createJsonLogger, type JsonLoggerOptions, type LogEvent, type Logger } from './logger.ts';
export {
  type Aggregated,
  aggregateShares,
  type Collector,
  certificatesOf,
  connectionsOf,
  countersOf,
  digest,
  METRICS,
  type MetricJson,
  MinuteHistory,
  processMetrics,
  type SiteRequestMetrics,
  STATUS_PAGE_CSP,
  STATUS_PAGE_HTML,
  type Summary,
  tapAcmeOrders,
} from './metrics/index.ts';
