export { createJsonLogger, type Logger } from './logger.ts';
