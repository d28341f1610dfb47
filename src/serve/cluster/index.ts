// Serving from many cores: the cluster primary (supervisor) and its workers.

export { checkProcess, type FindOutcome, type FoundInstance, findInstance } from './find-instance.ts';
export { type InstanceStatus, type LastReload, readStatus, writeStatus } from './instance-status.ts';
export type { ToPrimary, ToWorker, WorkerAddress } from './messages.ts';
export {
  EMBEDDED_DEFAULT,
  type InstanceKey,
  instanceKey,
  pidFilePath,
  readPidFiles,
  removePidFile,
  statusFilePath,
  writePidFile,
} from './pid-file.ts';
export { createPrimaryStates, type GenerationState, type PrimaryStates } from './primary-state.ts';
export type { PlanLoad, ReloadOutcome } from './reload.ts';
export { serialReload } from './reload-instance.ts';
export { type ReloadRequest, type ReloadRequestOutcome, requestReload } from './reload-request.ts';
export {
  type ClusterView,
  type Supervisor,
  type SupervisorOptions,
  startSupervisor,
} from './supervisor.ts';
export { SERVING_EXEC, servingExec } from './worker-env.ts';
export { type WorkerChannel, workerResumption } from './worker-resumption.ts';
