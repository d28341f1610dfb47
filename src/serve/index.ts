export { classifyHandshakeError, type Failure, type FailureReason, mismatch } from './failure-reason.ts';
export { predictGroup } from './group-choice.ts';
export { inspectHandler } from './inspect.ts';
export { buildSiteIndex, routeSni } from './router.ts';
export { type RunningServer, startServer } from './server.ts';
