// HTTP/2 response fields from the app as the ResponseHead the fronts already know how to send
// (h1: re-chunked; h2: responseHeaders). The head is rendered as HTTP/1.1 and parsed with
// response-head.ts's strict parser, so an h2 app gets the same checks as an HTTP/1.1 one. Pure.

import { Buffer } from 'node:buffer';
import type http2 from 'node:http2';
import { FieldIndex } from '../field-lines.ts';
import type { HeadError } from '../head-errors.ts';
import { MAX_FIELDS } from '../message-decoder.ts';
import { parseResponseHead, ResBody, type ResponseHead } from '../response-head.ts';

/** Connection-specific in HTTP/1.1; none may come from an h2 peer anyway (RFC 9113 §8.2.2). */
const SKIPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * `endStream`: the HEADERS frame ended the stream (no body; for gRPC a trailers-only response).
 * A body without content-length is marked chunked, which the h1 front re-chunks and the h2 front drops.
 */
export function h2ResponseHead(
  headers: http2.IncomingHttpHeaders,
  endStream: boolean,
  requestIsHead: boolean,
): ResponseHead | HeadError {
  const status = Number(headers[':status']);
  const lines: string[] = [`HTTP/1.1 ${Number.isInteger(status) ? status : 0}`];
  let hasLength = false;
  let grpc = false;
  for (const [name, value] of Object.entries(headers)) {
    if (name.charCodeAt(0) === 0x3a || value === undefined || SKIPPED.has(name)) continue;
    if (name === 'content-length') hasLength = true;
    if (name === 'content-type' && String(value).startsWith('application/grpc')) grpc = true;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  const noBody = requestIsHead || status === 204 || status === 304 || (status >= 100 && status < 200);
  // An HTTP/1.1 client needs framing: an empty body says so, unless gRPC (no HTTP/1.1 client for it).
  if (endStream && !hasLength && !noBody && !grpc) lines.push('content-length: 0');
  if (!endStream && !hasLength && !noBody) lines.push('transfer-encoding: chunked');
  const buf = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  const head = parseResponseHead(buf, 0, buf.length, new FieldIndex(MAX_FIELDS), requestIsHead);
  if ('reason' in head) return head;
  if (endStream) head.body = ResBody.none;
  head.keepAlive = true;
  return head;
}
