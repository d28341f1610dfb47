// Serving from many cores: the cluster primary (supervisor) and its workers.
export type { ToPrimary, ToWorker, WorkerAddress } from './messages.ts';
export { pidFilePath, removePidFile, type SignalOutcome, signalInstance, writePidFile } from './pid-file.ts';
export { createPrimaryStates, type GenerationState, type PrimaryStates } from './primary-state.ts';
export type { ReloadOutcome } from './reload.ts';
export { createReloadInstance } from './reload-instance.ts';
export {
  type ClusterView,
  type PlanLoad,
  type Supervisor,
  type SupervisorOptions,
  startSupervisor,
} from './supervisor.ts';
export { runWorker, type WorkerOptions } from './worker.ts';
export { type WorkerChannel, workerResumption } from './worker-resumption.ts';
