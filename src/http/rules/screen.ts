// The filters' step on each front (h1 and h2): admit() over the front's request, turned into what
// the front does next — go on (with log members), answer a deny or a rate limit like a local
// handler, or refuse a head over the site's limits the way the listener's own limits are refused.

import { errorBody } from '../error-page.ts';
import { E, type HeadError } from '../head-errors.ts';
import { Body, type RequestHead } from '../request-head.ts';
import type { ConnectionInfo, HttpLogger, LocalHandler, LocalResponse } from '../types.ts';
import { type Admission, admit, type SiteFilters } from './filters.ts';
import { h1Facts, h2Facts, h2HeadSize } from './request-facts.ts';
import { denyResponse } from './rules.ts';

export interface Screened {
  /** Log members (tags, the deciding rule). */
  readonly note: Readonly<Record<string, string | readonly string[]>> | null;
  /** Set when a rule denies or the rate limit refuses: answers the request instead of the site. */
  readonly deny: LocalHandler | null;
}

const LIMIT_ERRORS: Readonly<Record<string, HeadError>> = {
  max_body: E.bodyTooLarge,
  max_header_bytes: { status: 431, reason: "request head larger than the site's max_header_bytes" },
  max_header_fields: { status: 431, reason: "more header fields than the site's max_header_fields" },
};

const denial = (a: Admission, html: boolean): LocalHandler => {
  let res: LocalResponse;
  if (a.body !== undefined) res = denyResponse(a.status, a.body);
  else {
    const page = errorBody(a.status, html);
    res = {
      status: a.status,
      headers: [
        ['content-type', page.contentType],
        ['cache-control', 'no-store'],
        ...(a.retryAfter > 0 ? [['retry-after', String(a.retryAfter)] as const] : []),
      ],
      body: page.body,
    };
  }
  return () => res;
};

const outcome = (
  a: Admission,
  info: ConnectionInfo,
  log: HttpLogger,
  html: boolean,
): Screened | HeadError | null => {
  if (a.status === 0) return a.note === null ? null : { note: a.note, deny: null };
  const limit = a.note?.['limit'];
  if (typeof limit === 'string') return LIMIT_ERRORS[limit] ?? E.headTooLarge;
  if (a.rateKey !== null)
    log({
      event: 'rate_limited',
      client: info.clientAddress,
      sni: info.serverName ?? null,
      key: a.rateKey,
      status: a.status,
      retry_after: a.retryAfter,
    });
  return { note: a.note, deny: denial(a, html) };
};

/** null: go on as usual (no tag either). A HeadError: over a site limit. */
export const screenH1 = (
  f: SiteFilters,
  head: RequestHead,
  info: ConnectionInfo,
  log: HttpLogger,
  html: boolean,
): Screened | HeadError | null => {
  const bodyLength = head.body === Body.length ? head.contentLength : 0;
  const a = admit(f, h1Facts(head, info), head.end - head.start, head.fields.count, bodyLength);
  return outcome(a, info, log, html);
};

export const screenH2 = (
  f: SiteFilters,
  method: string,
  path: string,
  raw: readonly string[],
  contentLength: number,
  info: ConnectionInfo,
  log: HttpLogger,
  html: boolean,
): Screened | HeadError | null => {
  const size = f.limits === null ? { bytes: 0, fields: 0 } : h2HeadSize(raw);
  const a = admit(f, h2Facts(method, path, raw, info), size.bytes, size.fields, contentLength);
  return outcome(a, info, log, html);
};
