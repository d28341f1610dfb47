// Observability: the table of log events and the JSON-lines logger.
export { EVENTS, type EventLevel, type EventName, type EventSpec } from './events.ts';
export { createJsonLogger, type JsonLoggerOptions, type LogEvent, type Logger } from './logger.ts';
