// Observability: the table of log events, the logger (JSON or text, stdout or a file), request ids,
// the key log writer and the admin listener.
export * from './admin/index.ts';
export { endpoint } from './client-endpoint.ts';
export { EVENTS, type EventLevel, type EventName, type EventSpec } from './events.ts';
export {
  KEYLOG_DEFAULT_MAX_BYTES,
  type KeyLogSettings,
  type KeyLogWriter,
  openKeyLogWriter,
} from './keylog-writer.ts';
export { type LogFile, openLogFile } from './log-file.ts';
export {
  DEFAULT_LOG_SETTINGS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type LogSettings,
  levelRank,
  type OfferedLists,
} from './log-settings.ts';
export {
  type ConfigurableLogger,
  createConfigurableLogger,
  createJsonLogger,
  createLogOutput,
  type JsonLoggerOptions,
  type LogEvent,
  type Logger,
  type LogOutput,
} from './logger.ts';
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
  openConnections,
  processMetrics,
  type SiteRequestMetrics,
  STATUS_PAGE_CSP,
  STATUS_PAGE_HTML,
  type Summary,
  tapAcmeOrders,
} from './metrics/index.ts';
export { isSaneRequestId, MAX_REQUEST_ID_LENGTH, newRequestId, requestIdFor } from './request-id.ts';
