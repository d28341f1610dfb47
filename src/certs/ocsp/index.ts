// OCSP: the request and response codec, the verifier, the fetcher, the disk cache, the refresher
// (one process per host fetches) and the staples a serving process answers handshakes from.

export { buildOcspRequest, type CertIdSource, certIdSource, sameCertId } from './cert-id.ts';
export { ocspCachePath, readCachedResponse, writeCachedResponse } from './disk-cache.ts';
export { DEFAULT_FETCH_LIMITS, type FetchLimits, type FetchResult, postOcspRequest } from './fetch.ts';
export { createRedisOcspCache, ocspRedisKey, type SharedOcspCache } from './redis-cache.ts';
export {
  createOcspRefresher,
  type OcspCertificate,
  type OcspRefresher,
  type OcspRefresherOptions,
  type OcspStatus,
  refreshTime,
} from './refresher.ts';
export {
  type BasicResponse,
  type CertStatus,
  type OcspResponse,
  readOcspResponse,
  type SingleResponse,
} from './response.ts';
export { DEFAULT_OCSP, type OcspPlan, responderUrls } from './settings.ts';
export { createOcspStaples, type OcspStaples } from './staples.ts';
export { certificateFingerprint, type OcspTarget, ocspTarget } from './target.ts';
export { type OcspRejection, type OcspVerdict, type VerifiedOcsp, verifyOcspResponse } from './verify.ts';
