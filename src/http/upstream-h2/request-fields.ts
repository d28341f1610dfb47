// The request head the fronts build for HTTP/1.1 (head-builder.ts: checked, forwarded fields added)
// as HTTP/2 request fields (RFC 9113 §8.2.2, §8.3.1): Host becomes :authority, connection-specific
// fields go, names are lower-cased. Pure. gRPC requests are told apart here, with their deadline.

import type { Buffer } from 'node:buffer';
import type http2 from 'node:http2';
import { addH2Field } from '../h2-fields.ts';
import { parseGrpcTimeout } from './grpc.ts';

export interface H2RequestFields {
  readonly headers: http2.OutgoingHttpHeaders;
  /** content-type application/grpc[+proto|…]: failures are answered the gRPC way. */
  readonly grpc: boolean;
  /** grpc-timeout, in ms (undefined: none, or not gRPC). */
  readonly deadlineMs: number | undefined;
}

// RFC 9113 §8.2.2: connection-specific fields are malformed in h2 (TE only as "trailers").
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'host',
]);

/** `head` is "METHOD target HTTP/1.1\r\n(name: value\r\n)*\r\n", as buildUpstreamRequest writes it. */
export function h2RequestFields(
  head: Buffer,
  scheme: 'http' | 'https',
  fallbackAuthority: string,
): H2RequestFields {
  const text = head.toString('latin1');
  const lineEnd = text.indexOf('\r\n');
  const [method = 'GET', path = '/'] = text.slice(0, lineEnd).split(' ');
  const headers: http2.OutgoingHttpHeaders = { ':method': method, ':scheme': scheme, ':path': path };
  let authority = fallbackAuthority;
  let grpc = false;
  let deadlineMs: number | undefined;
  for (let at = lineEnd + 2; at < text.length; ) {
    const end = text.indexOf('\r\n', at);
    if (end <= at) break; // the empty line
    const line = text.slice(at, end);
    at = end + 2;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'host') authority = value;
    if (DROPPED.has(name)) continue;
    if (name === 'content-type' && /^application\/grpc(?:[+;]|$)/i.test(value)) grpc = true;
    if (name === 'grpc-timeout') deadlineMs = parseGrpcTimeout(value);
    addH2Field(headers, name, value);
  }
  headers[':authority'] = authority;
  // gRPC servers may insist on it; it says the client understands trailers (gRPC's status).
  if (grpc) headers.te = 'trailers';
  if (method === 'CONNECT') {
    delete headers[':scheme'];
    delete headers[':path'];
  }
  return { headers, grpc, deadlineMs: grpc ? deadlineMs : undefined };
}
