// ACME: the certificate manager (ordering, renewal, certbot-layout storage) and the pieces the
// serving side needs (challenge responders, placeholder, lineage paths). Nothing exported here
// loads acme-client at import time: the manager imports it on its first order.

export { type AccountMeta, type AccountPaths, accountPaths } from './account.ts';
export { ariCertId, ariCertIdFrom, ariPollDelay, parseRenewalInfo, type RenewalInfo } from './ari.ts';
export { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
export {
  type ChallengeStore,
  createFileChallengeStore,
  createMemoryChallengeStore,
} from './challenge-store.ts';
export { DnsHookError, dnsChallengeName, runDnsHook } from './dns-hook.ts';
export {
  assignLineageNames,
  LINEAGE_FILES,
  type LineageCertificate,
  type LineagePaths,
  type LineageVersion,
  lineageFacts,
  lineageName,
  lineagePaths,
  readLineage,
  writeLineageVersion,
} from './lineage.ts';
export { loadLineagePair } from './lineage-pair.ts';
export { createFileLockStore, createMemoryLockStore, type Lock, type LockStore } from './lock-store.ts';
export {
  type CertificateManager,
  type CertificateManagerOptions,
  createCertificateManager,
  type ManagedCertificateStatus,
  type ManagedState,
} from './manager.ts';
export { ensurePlaceholderCertificate, PLACEHOLDER_DAYS, type PlaceholderResult } from './placeholder.ts';
export {
  type AcmeProblem,
  formatAcmeProblem,
  parseAcmeProblem,
  problemHint,
  shortProblemType,
} from './problem.ts';
export { createRedisChallengeStore, type RedisChallengeStoreOptions } from './redis-challenge-store.ts';
export { type AcmeRedisKeys, acmeRedisKeys, DEFAULT_ACME_PREFIX } from './redis-keys.ts';
export { createRedisLockStore, type RedisLockStoreOptions } from './redis-lock-store.ts';
export { createRedisSharedStore, type RedisSharedStoreOptions } from './redis-shared-store.ts';
export {
  type IssueReason,
  issueReason,
  type LineageFacts,
  lifetimeRenewalAt,
  pickInWindow,
  planRenewal,
  type RenewalPlan,
  type RenewalWindow,
} from './renewal.ts';
export { type RenewalRecord, readRenewalRecord, renewalRecordPath } from './renewal-record.ts';
export {
  ACME_TLS_ALPN,
  answerHttp01,
  type ChallengeResponder,
  challengeKey,
  createChallengeResponder,
  HTTP01_PREFIX,
  type Http01Answer,
  http01Response,
  http01Token,
  isHttp01Path,
  offersAcmeTlsAlpn,
  tlsAlpn01Certificate,
} from './responders.ts';
export {
  ACME_CHALLENGES,
  type AcmeChallengeType,
  type AcmePlan,
  type AcmeSettings,
  type AcmeSiteConfig,
  acmeSiteFromPlan,
  checkAcmeSettings,
  DIRECTORY_SHORTCUTS,
  directoryUrl,
} from './settings.ts';
export { createMemorySharedStore, type SharedCertificateStore } from './shared-store.ts';
export {
  ACME_IDENTIFIER_OID,
  acmeIdentifierValue,
  type ChallengeCertificate,
  createTlsAlpn01Certificate,
} from './tls-alpn-certificate.ts';
export {
  createTlsAlpn01Server,
  type TlsAlpn01ServerOptions,
  tlsAlpn01SecureContext,
} from './tls-alpn-server.ts';
