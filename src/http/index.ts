// The HTTP data path: what the TLS terminator hands a decrypted connection to.

export type { HeadError } from './head-errors.ts';
export { serveHttp1 } from './http1-connection.ts';
export { serveHttp2 } from './http2-session.ts';
export { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, type HttpLimits, type HttpTimeouts } from './limits.ts';
export { RequestDecoder, ResponseDecoder } from './message-decoder.ts';
export {
  createServerPools,
  HealthAuthority,
  type HealthChange,
  type HealthLink,
  localHealthLink,
  type PoolPlan,
  type ServerPool,
} from './pools/index.ts';
// The parsers, for tools (probe/trace) and tests.
export { parseRequestHead, RequestHead } from './request-head.ts';
export { parseResponseHead, ResponseHead } from './response-head.ts';
export { buildRouteTable, noRouteHandler, type RoutedSite, type RoutePlan } from './routes/index.ts';
// Per-site filters: the rate-limit buckets made per serving process, and their cluster sync.
export {
  type AddressSet,
  addressSet,
  applyRateTaken,
  RateLimiter,
  type RateTaken,
  registerLimiter,
  type SiteFilters,
  startRateSync,
  unmapped,
} from './rules/index.ts';
export type {
  ConnectionInfo,
  Drainable,
  HttpLogger,
  HttpOptions,
  HttpSiteRuntime,
  HttpUpstream,
  LocalHandler,
  LocalRequest,
  LocalResponse,
  Misdirected,
  OwnHandshake,
  SiteResolver,
  UpstreamPool,
  UpstreamTlsOptions,
} from './types.ts';
export { defaultHttpOptions, httpOptionsOf } from './types.ts';
export { createUpstreamPool, type PoolOptions } from './upstream-pool.ts';
