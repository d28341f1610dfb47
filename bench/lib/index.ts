// The bench's building blocks, as used by bench/run.ts.

export { afterLoad } from './after-load.ts';
export { startBackend, startTlsBackend, writeBackendFiles } from './backend.ts';
export { type BenchCerts, makeCerts } from './certs.ts';
export { onExit } from './cleanup.ts';
export {
  CONTENDER_ORDER,
  type Contender,
  type ContenderChoice,
  type ContenderContext,
  type ContenderName,
  commandExists,
  DEFAULT_CONTENDERS,
  h2Contenders,
  nginxPassthroughReason,
  passthroughContenders,
  selectContenders,
  terminationContenders,
} from './contenders.ts';
export { curlDownload, type DownloadResult, parseCurlWriteOut } from './curl-download.ts';
export { describeEnvironment } from './environment.ts';
export { h2Idle, h2Load, h2Scenarios } from './h2-scenarios.ts';
export { type H2Check, h2Get, type IdleH2Sessions, openIdleH2Sessions } from './h2-sessions.ts';
export { type H2loadParse, type H2loadSummary, h2loadArgs, parseH2loadOutput, runH2load } from './h2load.ts';
export {
  type HandshakeLoadOptions,
  type HandshakeLoadResult,
  type PrimedSession,
  primeSession,
  type ResumeMode,
  runHandshakeLoad,
} from './handshake-load.ts';
export { type IdleConnections, openIdleConnections } from './idle-connections.ts';
export { measure, type Sample } from './measure.ts';
export { freePort } from './ports.ts';
export { clockTicksPerSecond, cpuSeconds, processTree, rssBytes, sharedOnceBytes } from './proc.ts';
export {
  addRun,
  type BenchResult,
  formatNotes,
  formatNumber,
  formatReport,
  formatTable,
  type Row,
  type Section,
  type ServerStatus,
  type SummaryRow,
  summarize,
  toJson,
} from './report.ts';
export { scaleHandshakes, scaleKeepAlive, scaleScenarios } from './scale-scenarios.ts';
export {
  type Figure,
  type Prepared,
  passthroughScenarios,
  type RunOutcome,
  type Scenario,
  scenarios,
} from './scenarios.ts';
export { type SectionScenarios, type Selection, selectScenarios } from './selection.ts';
export {
  killAll,
  type RunningServer,
  type ServerSpec,
  type StartResult,
  startServer,
} from './server-process.ts';
export { integerSetting, settingsFromEnv, usage } from './settings.ts';
export { median, spread } from './stats.ts';
export type { Settings, Target } from './target.ts';
export { negotiated, type TlsFacts } from './tls-facts.ts';
export { repoRoot, type TlstermFeatures, tlstermFeatures } from './tlsterm-config.ts';
export {
  busiestCpuPercent,
  parseSsEstablished,
  type Share,
  type ShareSampler,
  sampleShare,
  socketInode,
  summarizeShare,
} from './worker-share.ts';
export { parseWrkOutput, runWrk, type WrkSummary } from './wrk.ts';
