// An upstream HTTP/1.1 response head as h2 response fields.

import type http2 from 'node:http2';
import { equalsLower, H, isHopByHop } from './header-names.ts';
import { latin1 } from './request-head.ts';
import type { ResponseHead } from './response-head.ts';

/** Response fields for h2: lower-case names, connection-specific fields removed. */
export const responseHeaders = (head: ResponseHead): http2.OutgoingHttpHeaders => {
  const out: http2.OutgoingHttpHeaders = { ':status': head.status };
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
    const value = latin1(buf, f.valueStart(i), f.valueEnd(i));
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [String(prev), value];
  }
  return out;
};
