export { type AcmeResponders, openAcmeResponders, prepareAcmeSites, startAcmeService } from './acme/index.ts';
export {
  type PlanLoad,
  runWorker,
  type Supervisor,
  type SupervisorOptions,
  signalInstance,
  startSupervisor,
} from './cluster/index.ts';
export {
  classifyHandshakeError,
  type Failure,
  type FailureReason,
  mismatch,
  predictGroup,
} from './handshake/index.ts';
export { createHttpListener, type Http01Lookup, httpsRedirectTarget } from './http-listener.ts';
export { runServe, type ServeOptions } from './instance.ts';
export {
  type ListenerResumption,
  localResumption,
  type ResumptionCounts,
  type ResumptionProvider,
  resumptionSummary,
} from './resumption/index.ts';
export { buildSiteIndex, routeSni } from './router.ts';
export { type RunningServer, type ServerOptions, startServer } from './server.ts';
