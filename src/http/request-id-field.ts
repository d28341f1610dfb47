// The request id and the user agent of an HTTP/1.1 request head, read from its field index (the
// two fields the access line needs that the proxy does not otherwise look at), and the field line
// that carries the id to the upstream.

import { Buffer } from 'node:buffer';
import { requestIdFor } from '../observe/index.ts';
import { equalsLower, H } from './header-names.ts';
import { latin1, type RequestHead } from './request-head.ts';

/** Filled per request; one per connection (heads are read one at a time). */
export class HeadLogFields {
  userAgent: string | null = null;
  /** The id the line and the upstream get: the incoming one if sane, else a new one. */
  requestId = '';
  /** The id field line for the upstream, or null when `request_id_header` is false. */
  line: Buffer | null = null;

  /** `idName`: the configured header (lower-case), or false (the incoming x-request-id is still read). */
  read(head: RequestHead, idName: string | false): void {
    const f = head.fields;
    const buf = head.buf;
    const name = idName === false ? 'x-request-id' : idName;
    let ua: string | null = null;
    let incoming: string | undefined;
    for (let i = 0; i < f.count; i++) {
      if (f.id(i) !== H.other) continue;
      const s = f.nameStart(i);
      const e = f.nameEnd(i);
      const len = e - s;
      if (len === 10 && ua === null && equalsLower(buf, s, e, 'user-agent'))
        ua = latin1(buf, f.valueStart(i), f.valueEnd(i));
      else if (len === name.length && incoming === undefined && equalsLower(buf, s, e, name))
        incoming = latin1(buf, f.valueStart(i), f.valueEnd(i));
    }
    this.userAgent = ua;
    this.requestId = requestIdFor(incoming);
    this.line = idName === false ? null : Buffer.from(`${idName}: ${this.requestId}\r\n`, 'latin1');
  }
}
