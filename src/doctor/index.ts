// `tlsterm doctor`: this machine and a configuration, examined (runtime, kernel TLS, keys, clock,
// limits, ports).

export {
  cipherQualifiesForKtls,
  type KernelTlsFacts,
  ktlsChecklist,
  parseTlsStat,
  readKernelTls,
} from './ktls.ts';
export { runKtlsExperiment } from './ktls-experiment.ts';
export { clockItems, parseOpenFileLimit } from './plan-items.ts';
export { renderDoctorText } from './render.ts';
export {
  type DoctorArea,
  type DoctorItem,
  type DoctorReport,
  type DoctorStatus,
  doctorExitCode,
  makeReport,
} from './report.ts';
export { type DoctorOptions, runDoctor } from './run.ts';
export { type SystemView, systemView } from './system.ts';
