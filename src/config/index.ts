// Config: YAML → checked Plan, the problems found on the way, and the built-in default plan.

export type { CertificatePair } from '../certs/pair.ts';
export type { Problem, Severity } from '../problems.ts';
export { formatProblems, hasErrors, sortProblems, summarize } from '../problems.ts';
export type { TlsPolicy } from '../tls/policy.ts';
export type { TlsVersionName } from '../tls/versions.ts';
export {
  type AddressResult,
  ALL_ADDRESSES,
  addressesClash,
  type ListenAddress,
  parseListenAddress,
} from './address.ts';
export { type AdminEndpoint, type AdminEndpointResult, adminEndpoint } from './admin-endpoint.ts';
export { type CheckOptions, type CheckResult, checkConfigFile, checkConfigText } from './check.ts';
export { buildDefaultPlan, DEFAULTS, defaultStateDir } from './defaults.ts';
export { type DurationResult, formatDuration, parseDuration } from './duration.ts';
export type { Handler, ListenerPlan, Plan, SitePlan, Upstream } from './plan.ts';
export type { RunAsPlan } from './privileges-check.ts';
export { formatPath, joinPath, type PathKey, parsePath } from './yaml-source.ts';
