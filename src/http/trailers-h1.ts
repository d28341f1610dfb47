// Trailer fields toward an HTTP/1.1 client (RFC 9112 §7.1.2): only to a client that said
// `TE: trailers`, and only fields that may be trailers — framing, routing and connection fields never.
// Pure. The trailers come from HTTP/2 apps (upstream-h2/); an HTTP/1.1 app's are not read.

import { Buffer } from 'node:buffer';
import type http2 from 'node:http2';
import { ListCursor } from './field-lines.ts';
import { H, valueEqualsLower } from './header-names.ts';
import type { RequestHead } from './request-head.ts';

const cursor = new ListCursor();

/** The request's TE field lists "trailers". */
export function acceptsTrailers(head: RequestHead): boolean {
  const f = head.fields;
  for (let i = 0; i < f.count; i++) {
    if (f.id(i) !== H.te) continue;
    cursor.reset(head.buf, f.valueStart(i), f.valueEnd(i));
    while (cursor.next()) if (valueEqualsLower(head.buf, cursor.a, cursor.b, 'trailers')) return true;
  }
  return false;
}

// RFC 9110 §6.5.1: fields a recipient must not take from a trailer section.
const NEVER = new Set([
  'content-length',
  'content-type',
  'content-encoding',
  'content-range',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'set-cookie',
  'authorization',
  'cache-control',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The last chunk with the trailer section: "0\r\n" fields "\r\n". Unfit fields are left out. */
export function lastChunkWithTrailers(trailers: http2.IncomingHttpHeaders): Buffer {
  let text = '0\r\n';
  for (const [name, value] of Object.entries(trailers)) {
    if (value === undefined || name.charCodeAt(0) === 0x3a || NEVER.has(name) || !TOKEN.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (VALUE.test(v)) text += `${name}: ${v}\r\n`;
  }
  return Buffer.from(`${text}\r\n`, 'latin1');
}
