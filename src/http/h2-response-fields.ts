// An upstream HTTP/1.1 response head as h2 response fields.

import type http2 from 'node:http2';
import { addH2Field } from './h2-fields.ts';
import { equalsLower, H, isHopByHop } from './header-names.ts';
import { latin1 } from './request-head.ts';
import type { ResponseHead } from './response-head.ts';
import type { HeaderEdits } from './rules/header-edits.ts';

/**
 * Response fields for h2 as a flat list (name, value, name, value, …), which `respond()` takes as
 * it is: lower-case names, connection-specific fields removed, the site's header edits applied
 * (dropped names, then its own fields). A list, not an object keyed by the upstream's names: each
 * name is a new string V8 must look up to use as a key, and Node copies such an object again before
 * it renders it.
 */
export const responseFieldList = (head: ResponseHead, edits: HeaderEdits | null): string[] => {
  const out: string[] = [':status', String(head.status)];
  const f = head.fields;
  const buf = head.buf;
  const names = head.connectionNames;
  for (let i = 0; i < f.count; i++) {
    const id = f.id(i);
    if (id === H.transferEncoding || isHopByHop(id)) continue;
    const s = f.nameStart(i);
    const e = f.nameEnd(i);
    if (names !== null && id === H.other && names.some((n) => equalsLower(buf, s, e, n))) continue;
    const name = latin1(buf, s, e).toLowerCase();
    if (edits?.drop.includes(name)) continue;
    out.push(name, latin1(buf, f.valueStart(i), f.valueEnd(i)));
  }
  if (edits !== null) for (const [n, v] of edits.pairs) out.push(n, v);
  return out;
};

/** An interim response's fields as an object (`additionalHeaders` takes no list); no header edits. */
export const responseHeaders = (head: ResponseHead): http2.OutgoingHttpHeaders => {
  const list = responseFieldList(head, null);
  const out: http2.OutgoingHttpHeaders = { ':status': head.status };
  for (let i = 2; i + 1 < list.length; i += 2) addH2Field(out, list[i]!, list[i + 1]!);
  return out;
};
