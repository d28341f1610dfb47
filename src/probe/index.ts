// tlsterm probe: a TLS server scanner that writes its own ClientHellos (src/wire) and reports
// versions, suites in the server's order, groups (with HelloRetryRequest behaviour), signature
// algorithms, ALPN, every certificate chain served, resumption, OCSP, HSTS and protocol features,
// graded with reasons. `probe()` is the library entry point; `renderProbeReport()` the table.
export { GRADE_ORDER, gradeFindings, gradeRank, parseGrade } from './grade.ts';
export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, type ProbeOptions, probe } from './probe.ts';
export { renderProbeReport } from './render.ts';
export type {
  Attempt,
  CertificateFinding,
  ChainReport,
  FailureReport,
  Finding,
  Grade,
  GradeReason,
  GroupFinding,
  HstsAnswer,
  HstsFinding,
  OcspFinding,
  ProbeReport,
  ResumptionFinding,
  ServedCertificate,
  SuiteFinding,
  SuiteOrderFinding,
  TypicalClient,
  UngradedProblem,
  VersionName,
} from './report.ts';
export { parseTarget, type Target } from './target.ts';
