export {
  KEYLOG_DEFAULT_MAX_BYTES,
  type KeyLogSettings,
  type KeyLogWriter,
  openKeyLogWriter,
} from './keylog-writer.ts';
export { createJsonLogger, type JsonLoggerOptions, type Logger } from './logger.ts';
