export { createJsonLogger, type JsonLoggerOptions, type Logger } from './logger.ts';
