// Certificates: load and vet PEM pairs, match names, and the local development CA.

export {
  type CertificateSource,
  EXPIRY_ERROR_DAYS,
  EXPIRY_WARNING_DAYS,
  type ExpiryCheck,
  type ExpiryFinding,
  type ExpiryInput,
  expiryFinding,
  expiryFindings,
  startExpiryChecks,
} from './expiry.ts';
export { type CertificateSources, certificatesInService } from './in-service.ts';
export {
  type HashName,
  type IssuedCertificate,
  type IssueOptions,
  type Issuer,
  issueCertificate,
  type KeyType,
} from './issue.ts';
export { type LoadPairOptions, type LoadPairResult, loadCertificatePair, oneLineName } from './load-pair.ts';
export { DEFAULT_LOCAL_NAMES, ensureLocalCertificates, type LocalCertificates } from './local-ca.ts';
export {
  canonicalIp,
  coveredBy,
  type HostPattern,
  normalizeName,
  parseHostPattern,
  parseSubjectAltName,
} from './names.ts';
export type { CertificatePair } from './pair.ts';
export { looksLikeDer, type PemBlock, pemBlocks } from './pem.ts';
export {
  type CertificateStatus,
  configCertificateStatus,
  fileCertificateStatus,
  formatCertificateStatus,
  readConfigCertificates,
  statusHasErrors,
} from './status.ts';
export { defaultRoots, issuedBy, selfSigned } from './trust-roots.ts';
