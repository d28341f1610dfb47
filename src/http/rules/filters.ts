// What a site filters per request (issue 16 part 3), compiled once at config load: its rules,
// header edits (HSTS is one of the response edits) and its own limits. The request path calls
// admit() before choosing where the request goes, and applies the edits on the way in and out.

import type { HeaderEdits } from './header-edits.ts';
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
}

/** The outcome of the filters for one request: go on (status 0), or answer `status` locally. */
export interface Admission {
  readonly status: number;
  /** deny: the configured body; undefined: tlsterm's error page for the status. */
  readonly body: string | undefined;
  /** Extra members of the request's log line (tags, the deciding rule, the limit that refused). */
  readonly note: Readonly<Record<string, string | readonly string[]>> | null;
}

const GO: Admission = Object.freeze({ status: 0, body: undefined, note: null });

/**
 * Rules (deny → local answer; tag → log), then the site's limits. `headBytes` and `fields` are the
 * request head's size and field count (h2: the header list's).
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
    if (v.deny)
      return { status: v.status, body: v.body, note: { ...(tags === null ? {} : { tags }), rule: v.rule } };
  }
  const l = f.limits;
  if (l !== null) {
    let limit = '';
    if (l.maxHeaderBytes > 0 && headBytes > l.maxHeaderBytes) limit = 'max_header_bytes';
    else if (l.maxHeaderFields > 0 && fields > l.maxHeaderFields) limit = 'max_header_fields';
    else if (l.maxBody > 0 && bodyLength > l.maxBody) limit = 'max_body';
    if (limit !== '')
      return {
        status: limit === 'max_body' ? 413 : 431,
        body: undefined,
        note: { ...(tags === null ? {} : { tags }), limit },
      };
  }
  return tags === null ? GO : { status: 0, body: undefined, note: { tags } };
};
