// Per-site request filters (issue 16 part 3): rules (deny / allow / tag), header edits, HSTS and the
// site's own limits. Compiled at config load (config/rules-check.ts, headers-check.ts…), applied by
// the h1 and h2 request paths at the seams described in docs/l7.md.

export { type AddressSet, addressSet, parseCidr, unmapped } from './cidr.ts';
export { BROTLI_QUALITY, CompressingSink, GZIP_LEVEL } from './compressing-sink.ts';
export {
  type Coding,
  type CompressionSpec,
  chooseCoding,
  compressedHead,
  DEFAULT_TYPES,
} from './compression.ts';
export { type Admission, admit, type SiteFilters, type SiteLimits } from './filters.ts';
export {
  compileHeaderEdits,
  type EditProblem,
  editH1Head,
  editH2Headers,
  type HeaderEditSpec,
  type HeaderEdits,
} from './header-edits.ts';
export { type HstsSpec, hstsValue, PRELOAD_MIN_AGE_S } from './hsts.ts';
export { DEFAULT_MAX_KEYS, RateLimiter, type RateLimitSpec, type Refusal } from './rate-limit.ts';
export { applyRateTaken, type RateTaken, registerLimiter, SYNC_MS, startRateSync } from './rate-sync.ts';
export { h1Facts, h2Facts, h2HeadSize } from './request-facts.ts';
export {
  type CompiledMatch,
  type ConnectionFacts,
  compileMatch,
  compileRegex,
  globRegex,
  type MatchProblem,
  type MatchSpec,
  matches,
  type RequestFacts,
} from './rule-match.ts';
export {
  type CompiledRule,
  compileRules,
  denyResponse,
  evaluate,
  type RuleSpec,
  type Verdict,
} from './rules.ts';
