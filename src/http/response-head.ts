// The upstream's response head (RFC 9112 §4, §6.3), parsed as strictly as requests: a proxy that
// is lenient with responses lets one upstream response be read as two (response splitting).

import type { Buffer } from 'node:buffer';
import { CR, FIELD_VALUE, isToken, LF, SP } from './chars.ts';
import { type FieldIndex, ListCursor, parseContentLength, parseFieldLines } from './field-lines.ts';
import { E, type HeadError } from './head-errors.ts';
import { equalsLower, H, valueEqualsLower } from './header-names.ts';
import { latin1 } from './request-head.ts';

export const ResBody = { none: 0, length: 1, chunked: 2, close: 3 } as const;
export type ResBodyKind = (typeof ResBody)[keyof typeof ResBody];

export class ResponseHead {
  buf: Buffer;
  start = 0;
  end = 0;
  version: '1.0' | '1.1' = '1.1';
  status = 0;
  /** [statusStart, statusLineEnd) is `code SP reason` (or just `code`), without the CRLF. */
  statusStart = 0;
  statusLineEnd = 0;
  fields: FieldIndex;
  body: ResBodyKind = ResBody.none;
  contentLength = 0;
  /** The upstream connection may carry another request after this response. */
  keepAlive = true;
  connectionNames: string[] | null = null;
  /** An Upgrade field is present (meaningful on 101). */
  upgrade = false;

  constructor(buf: Buffer, fields: FieldIndex) {
    this.buf = buf;
    this.fields = fields;
  }
}

const cursor = new ListCursor();

export const parseResponseHead = (
  buf: Buffer,
  start: number,
  end: number,
  fields: FieldIndex,
  requestIsHead: boolean,
): ResponseHead | HeadError => {
  let p = start;
  // "HTTP/1.x" SP 3DIGIT
  if (
    buf[p] !== 0x48 ||
    buf[p + 1] !== 0x54 ||
    buf[p + 2] !== 0x54 ||
    buf[p + 3] !== 0x50 ||
    buf[p + 4] !== 0x2f ||
    buf[p + 5] !== 0x31 ||
    buf[p + 6] !== 0x2e ||
    (buf[p + 7] !== 0x30 && buf[p + 7] !== 0x31) ||
    buf[p + 8] !== SP
  )
    return E.badStatusLine;
  const version = buf[p + 7] === 0x31 ? '1.1' : '1.0';
  p += 9;
  const statusStart = p;
  let status = 0;
  for (let i = 0; i < 3; i++, p++) {
    const d = buf[p]! - 0x30;
    if (d < 0 || d > 9) return E.badStatusLine;
    status = status * 10 + d;
  }
  if (status < 100 || status > 599) return E.badStatusLine;
  if (buf[p] === SP) {
    p++;
    while (FIELD_VALUE[buf[p]!] === 1) p++;
  }
  if (buf[p] !== CR) return buf[p] === LF ? E.bareLf : E.badStatusLine;
  if (buf[p + 1] !== LF) return E.bareCr;
  const statusLineEnd = p;
  p += 2;

  const after = parseFieldLines(buf, p, fields);
  if (typeof after !== 'number') return after;
  if (after !== end) return E.badStatusLine;

  const head = new ResponseHead(buf, fields);
  head.start = start;
  head.end = end;
  head.version = version;
  head.status = status;
  head.statusStart = statusStart;
  head.statusLineEnd = statusLineEnd;

  let cls = 0;
  let clStart = 0;
  let clEnd = 0;
  let teLines = 0;
  let chunked = 0;
  let others = 0;
  let lastChunked = false;
  let close = false;
  let keepAliveToken = false;
  for (let i = 0; i < fields.count; i++) {
    const id = fields.id(i);
    if (id === H.other) continue;
    const vs = fields.valueStart(i);
    const ve = fields.valueEnd(i);
    if (id === H.contentLength) {
      cls++;
      clStart = vs;
      clEnd = ve;
    } else if (id === H.transferEncoding) {
      teLines++;
      cursor.reset(buf, vs, ve);
      while (cursor.next()) {
        if (valueEqualsLower(buf, cursor.a, cursor.b, 'chunked')) {
          chunked++;
          lastChunked = true;
        } else {
          others++;
          lastChunked = false;
        }
      }
    } else if (id === H.connection) {
      cursor.reset(buf, vs, ve);
      while (cursor.next()) {
        const a = cursor.a;
        const b = cursor.b;
        if (!isToken(buf, a, b)) return E.badConnection;
        if (equalsLower(buf, a, b, 'close')) close = true;
        else if (equalsLower(buf, a, b, 'keep-alive')) keepAliveToken = true;
        else if (!equalsLower(buf, a, b, 'upgrade')) {
          head.connectionNames ??= [];
          head.connectionNames.push(latin1(buf, a, b).toLowerCase());
        }
      }
    } else if (id === H.upgrade) {
      head.upgrade = ve > vs;
    }
  }

  if (teLines > 0 && cls > 0) return E.clWithTe;
  if (cls > 1) return E.duplicateCl;
  let length = -1;
  if (cls === 1) {
    length = parseContentLength(buf, clStart, clEnd);
    if (length < 0) return E.badCl;
  }
  if (teLines > 0) {
    if (chunked > 1) return E.teChunkedTwice;
    if (!lastChunked || others > 0) return E.teUnsupported;
  }

  head.keepAlive = !close && (version === '1.1' || keepAliveToken);
  if (status < 200 || status === 204 || status === 304 || requestIsHead) {
    head.body = ResBody.none;
    // A body-less status that still announces framing is a confused upstream: do not reuse it.
    if (status < 200 && (teLines > 0 || cls > 0)) head.keepAlive = false;
  } else if (teLines > 0) {
    head.body = ResBody.chunked;
  } else if (length >= 0) {
    head.contentLength = length;
    head.body = length > 0 ? ResBody.length : ResBody.none;
  } else {
    head.body = ResBody.close;
    head.keepAlive = false;
  }
  return head;
};
