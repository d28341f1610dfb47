// Hot reload of certificate files: watch, validate, swap or refuse.

export {
  applyValidation,
  coverageProblems,
  initialReloadState,
  needsValidation,
  type ReloadOutcome,
  type ReloadState,
  reloadEvent,
} from './decision.ts';
export { type PairSnapshot, readPairSnapshot, snapshotHolds } from './snapshot.ts';
export { type PairWatcher, type WatchPairOptions, watchCertificatePair } from './watcher.ts';
