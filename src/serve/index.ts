export { prepareAcmeSites } from './acme-prepare.ts';
export { type AcmeResponders, openAcmeResponders } from './acme-responders.ts';
export { startAcmeService } from './acme-service.ts';
export {
  type PlanLoad,
  runWorker,
  type Supervisor,
  type SupervisorOptions,
  signalInstance,
  startSupervisor,
} from './cluster/index.ts';
export { classifyHandshakeError, type Failure, type FailureReason, mismatch } from './failure-reason.ts';
export { predictGroup } from './group-choice.ts';
export { createHttpListener, type Http01Lookup, httpsRedirectTarget } from './http-listener.ts';
export { inspectHandler } from './inspect.ts';
export { runServe, type ServeOptions } from './instance.ts';
export { type ListenerResumption, localResumption, type ResumptionProvider } from './listener-resumption.ts';
export { type ResumptionCounts, resumptionSummary } from './resumption-stats.ts';
export { buildSiteIndex, routeSni } from './router.ts';
export { type RunningServer, type ServerOptions, startServer } from './server.ts';
