// Names registries (cipher suites, groups, signature schemes, versions) and the negotiation policy.

export {
  CIPHER_SUITES,
  type CipherSuite,
  type SuiteAuth,
  type SuiteKx,
  type SuiteMac,
  type SuiteStrength,
  type SuiteVersions,
  suggestSuites,
  suiteById,
  suiteByName,
} from './cipher-suites.ts';
export { GROUPS, groupById, groupByName, type NamedGroup, suggestGroups } from './groups.ts';
export { groupUnusableReason, suiteUnusableReason } from './openssl-support.ts';
export {
  checkPolicyAgainstCertificates,
  type PolicyInput,
  type PolicyResult,
  resolvePolicy,
  secureContextOptions,
  type TlsPolicy,
} from './policy.ts';
export {
  DEFAULT_GROUPS,
  DEFAULT_PROFILE,
  PROFILE_NAMES,
  PROFILES,
  type Profile,
  type ProfileName,
} from './profiles.ts';
export {
  SIGNATURE_SCHEMES,
  type SignatureScheme,
  schemeById,
  schemeByName,
  schemeByOpenssl,
} from './signature-schemes.ts';
export { closestNames, didYouMean, editDistance } from './suggest.ts';
export { isUntrustedIssuer, verifyCodeInWords } from './verify-codes.ts';
export {
  fromNode,
  isGrease,
  type NodeVersionName,
  type ProtocolVersion,
  type TlsVersionName,
  toNode,
  VERSIONS,
  type VersionName,
  versionId,
  versionName,
} from './versions.ts';
