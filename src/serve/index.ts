export { classifyHandshakeError, type Failure, type FailureReason, mismatch } from './failure-reason.ts';
export { predictGroup } from './group-choice.ts';
export { createHttpListener, type Http01Lookup, httpsRedirectTarget } from './http-listener.ts';
export { inspectHandler } from './inspect.ts';
export { buildSiteIndex, routeSni } from './router.ts';
export { type RunningServer, type ServerOptions, startServer } from './server.ts';
