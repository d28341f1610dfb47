// `serve`'s face: running an instance (the primary; its workers run cluster/worker-main.ts), asking
// a running one to reload, and the handshake and resumption facts other commands read. It re-exports
// nothing of the data path or of ACME: loading this face (the `serve` command does) must not load
// what only a worker, or only an instance with ACME sites, needs.
export {
  type PlanLoad,
  type ReloadOutcome,
  type ReloadRequestOutcome,
  requestReload,
  type Supervisor,
  type SupervisorOptions,
  startSupervisor,
} from './cluster/index.ts';
export {
  classifyHandshakeError,
  type Failure,
  type FailureReason,
  mismatch,
  predictGroup,
} from './handshake/index.ts';
export { runServe, type ServeOptions } from './instance.ts';
export {
  type ListenerResumption,
  localResumption,
  type ResumptionCounts,
  type ResumptionProvider,
  resumptionSummary,
} from './resumption/index.ts';
export { buildSiteIndex, routeSni } from './router.ts';
