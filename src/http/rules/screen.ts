// The filters' step on each front (h1 and h2): admit() over the front's request, turned into what
// the front does next — go on (with log members), answer a deny like a local handler, or refuse a
// head over the site's limits the way the listener's own limits are refused.

import { errorBody } from '../error-page.ts';
import { E, type HeadError } from '../head-errors.ts';
import { Body, type RequestHead } from '../request-head.ts';
import type { ConnectionInfo, LocalHandler, LocalResponse } from '../types.ts';
import { admit, type SiteFilters } from './filters.ts';
import { h1Facts, h2Facts, h2HeadSize } from './request-facts.ts';
import { denyResponse } from './rules.ts';

export interface Screened {
  /** Log members (tags, the deciding rule). */
  readonly note: Readonly<Record<string, string | readonly string[]>> | null;
  /** Set when a rule denies: answers the request instead of the site. */
  readonly deny: LocalHandler | null;
}

const LIMIT_ERRORS: Readonly<Record<string, HeadError>> = {
  max_body: E.bodyTooLarge,
  max_header_bytes: { status: 431, reason: "request head larger than the site's max_header_bytes" },
  max_header_fields: { status: 431, reason: "more header fields than the site's max_header_fields" },
};

const denial = (status: number, body: string | undefined, html: boolean): LocalHandler => {
  let res: LocalResponse;
  if (body !== undefined) res = denyResponse(status, body);
  else {
    const page = errorBody(status, html);
    res = {
      status,
      headers: [
        ['content-type', page.contentType],
        ['cache-control', 'no-store'],
      ],
      body: page.body,
    };
  }
  return () => res;
};

/** null: go on as usual (no tag either). A HeadError: over a site limit. */
export const screenH1 = (
  f: SiteFilters,
  head: RequestHead,
  info: ConnectionInfo,
  html: boolean,
): Screened | HeadError | null => {
  const a = admit(
    f,
    h1Facts(head, info),
    head.end - head.start,
    head.fields.count,
    head.body === Body.length ? head.contentLength : 0,
  );
  return outcome(a.status, a.body, a.note, html);
};

export const screenH2 = (
  f: SiteFilters,
  method: string,
  path: string,
  raw: readonly string[],
  contentLength: number,
  info: ConnectionInfo,
  html: boolean,
): Screened | HeadError | null => {
  const size = f.limits === null ? { bytes: 0, fields: 0 } : h2HeadSize(raw);
  const a = admit(f, h2Facts(method, path, raw, info), size.bytes, size.fields, contentLength);
  return outcome(a.status, a.body, a.note, html);
};

const outcome = (
  status: number,
  body: string | undefined,
  note: Screened['note'],
  html: boolean,
): Screened | HeadError | null => {
  if (status === 0) return note === null ? null : { note, deny: null };
  const limit = note?.['limit'];
  if (typeof limit === 'string') return LIMIT_ERRORS[limit] ?? E.headTooLarge;
  return { note, deny: denial(status, body, html) };
};
