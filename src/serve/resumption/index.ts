// Session resumption per listener: its cache and ticket keys, the facts of a resumed handshake, the per-minute summary.
export { offersTls13, type ResumptionFacts, resumptionFacts } from './facts.ts';
export {
  type ListenerResumption,
  listenerResumption,
  localResumption,
  type ResumptionProvider,
} from './listener.ts';
export { addCounts, type ResumedBy, type ResumptionCounts, resumptionSummary } from './stats.ts';
