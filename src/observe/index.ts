export { type BatchedSink, createBatchedSink, type LineSink, stdoutLines } from './line-sink.ts';
export { createJsonLogger, type JsonLoggerOptions, type Logger } from './logger.ts';
