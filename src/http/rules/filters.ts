// What a site filters per request (issue 16 part 3), compiled once at config load: its rules,
// header edits (HSTS is one of the response edits), its own limits and its rate limit. The request
// path calls admit() before choosing where the request goes, and applies the edits on the way in
// and out.

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { unmapped } from './cidr.ts';
import type { CompressionSpec } from './compression.ts';
import type { HeaderEdits } from './header-edits.ts';
import type { RateLimiter, RateLimitSpec } from './rate-limit.ts';
import type { RequestFacts } from './rule-match.ts';
import { type CompiledRule, evaluate } from './rules.ts';

/** A site's `limits:`, each at most the listener's (its parser reads the head before the site is known). */
export interface SiteLimits {
  /** 0: the listener's */
  readonly maxBody: number;
  readonly maxHeaderBytes: number;
  readonly maxHeaderFields: number;
}

export interface SiteFilters {
  readonly rules: readonly CompiledRule[];
  /** Toward the app. */
  readonly request: HeaderEdits | null;
  /** Toward the client, on every response of the site (local ones too); includes HSTS. */
  readonly response: HeaderEdits | null;
  readonly limits: SiteLimits | null;
  /** `rate_limit:` as configured. */
  readonly rateLimit: RateLimitSpec | null;
  /** Its buckets, made by the terminator in each serving process (null in check's plan). */
  readonly limiter: RateLimiter | null;
  /** `compression:` of responses. */
  readonly compression: CompressionSpec | null;
}

/** The outcome of the filters for one request: go on (status 0), or answer `status` locally. */
export interface Admission {
  readonly status: number;
  /** deny: the configured body; undefined: tlsterm's error page for the status. */
  readonly body: string | undefined;
  /** Extra members of the request's log line (tags, the deciding rule, the limit that refused). */
  readonly note: Readonly<Record<string, string | readonly string[]>> | null;
  /** Rate limited: seconds for Retry-After (0 otherwise). */
  readonly retryAfter: number;
  /** Rate limited, and the first refusal of this key this second: log a `rate_limited` line. */
  readonly rateKey: string | null;
}

const GO: Admission = Object.freeze({ status: 0, body: undefined, note: null, retryAfter: 0, rateKey: null });

/** The bucket key of a request: the client address, or a header's value (the address without it). */
const rateKeyOf = (spec: RateLimitSpec, req: RequestFacts): string => {
  if (spec.header !== null) {
    const v = req.header(spec.header);
    // Hashed: the value may be a credential (an API key), and keys travel to the other workers,
    // to Redis and to the log.
    if (v.length > 0)
      return `header:${spec.header}#${createHash('sha256').update(v[0]!).digest('hex').slice(0, 16)}`;
  }
  return unmapped(req.conn.clientAddress);
};

const refuse = (
  status: number,
  body: string | undefined,
  tags: readonly string[] | null,
  member: Readonly<Record<string, string>>,
  retryAfter = 0,
  rateKey: string | null = null,
): Admission => ({ status, body, note: tags === null ? member : { tags, ...member }, retryAfter, rateKey });

/**
 * Rules (deny → local answer; tag → log), the rate limit, then the site's limits. `headBytes` and
 * `fields` are the request head's size and field count (h2: the header list's).
 */
export const admit = (
  f: SiteFilters,
  req: RequestFacts,
  headBytes: number,
  fields: number,
  bodyLength: number,
): Admission => {
  let tags: readonly string[] | null = null;
  if (f.rules.length > 0) {
    const v = evaluate(f.rules, req);
    tags = v.tags;
    if (v.deny) return refuse(v.status, v.body, tags, { rule: v.rule });
  }
  const rl = f.limiter;
  if (rl !== null) {
    const key = rateKeyOf(rl.spec, req);
    const r = rl.take(key, performance.now());
    if (r !== null)
      return refuse(
        rl.spec.status,
        undefined,
        tags,
        { rate_limited: 'rate_limit' },
        r.retryAfter,
        r.log ? key : null,
      );
  }
  const l = f.limits;
  if (l !== null) {
    let limit = '';
    if (l.maxHeaderBytes > 0 && headBytes > l.maxHeaderBytes) limit = 'max_header_bytes';
    else if (l.maxHeaderFields > 0 && fields > l.maxHeaderFields) limit = 'max_header_fields';
    else if (l.maxBody > 0 && bodyLength > l.maxBody) limit = 'max_body';
    if (limit !== '') return refuse(limit === 'max_body' ? 413 : 431, undefined, tags, { limit });
  }
  return tags === null ? GO : { status: 0, body: undefined, note: { tags }, retryAfter: 0, rateKey: null };
};
