// Writes the heads that leave the proxy: the request to the upstream and the response to the
// client, each as one Buffer. Kept field lines are copied byte for byte in runs (a typical head is
// a single copy); only what the proxy changes is rendered.

import { Buffer } from 'node:buffer';
import { isToken, isTokenString } from './chars.ts';
import type { FieldIndex } from './field-lines.ts';
import type { ForwardedParts } from './forwarded.ts';
import { equalsLower, H, type HeaderId, isHopByHop } from './header-names.ts';
import { MAX_FIELDS } from './message-decoder.ts';
import { latin1, type RequestHead } from './request-head.ts';
import type { ResponseHead } from './response-head.ts';
import type { HeaderEdits } from './rules/header-edits.ts';

/** Scratch "drop this field" marks; heads are built synchronously, one at a time. */
const drop = new Uint8Array(MAX_FIELDS);

const CRLF = Buffer.from('\r\n', 'latin1');
const HTTP11_CRLF = Buffer.from(' HTTP/1.1\r\n', 'latin1');
const HOST_PREFIX = Buffer.from('host: ', 'latin1');
const HOST_PARAM = Buffer.from(';host=', 'latin1');
const XFH_PREFIX = Buffer.from('\r\nx-forwarded-host: ', 'latin1');
const CONNECTION_UPGRADE = Buffer.from('connection: upgrade\r\n', 'latin1');
const STATUS_PREFIX = Buffer.from('HTTP/1.1 ', 'latin1');
const TE_CHUNKED = Buffer.from('transfer-encoding: chunked\r\n', 'latin1');
const CONNECTION_CLOSE = Buffer.from('connection: close\r\n', 'latin1');
const CONNECTION_KEEP_ALIVE = Buffer.from('connection: keep-alive\r\n', 'latin1');

/** tlsterm's Via entry (RFC 9110 §7.6.3): the protocol it received the request with, and a pseudonym. */
export const viaEntry = (version: '1.0' | '1.1' | '2'): string => `${version} tlsterm`;
const VIA_11 = Buffer.from(`via: ${viaEntry('1.1')}\r\n`, 'latin1');
const VIA_10 = Buffer.from(`via: ${viaEntry('1.0')}\r\n`, 'latin1');
const EMPTY = Buffer.alloc(0);

/** One Via line: the incoming entries (all Via lines, in order), then ours. */
export const viaLine = (incoming: readonly string[], ours: string): string => {
  let list = '';
  for (const v of incoming) if (v !== '') list += `${v}, `;
  return `via: ${list}${ours}\r\n`;
};

const namedBy = (buf: Uint8Array, fields: FieldIndex, i: number, names: readonly string[]): boolean => {
  const s = fields.nameStart(i);
  const e = fields.nameEnd(i);
  for (const n of names) if (equalsLower(buf, s, e, n)) return true;
  return false;
};

/** Bytes of the kept field lines. */
const keptLength = (fields: FieldIndex): number => {
  let n = 0;
  for (let i = 0; i < fields.count; i++) if (drop[i] === 0) n += fields.lineEnd(i) - fields.nameStart(i);
  return n;
};

/** Copy the kept field lines into `out` at `pos`, coalescing adjacent lines into one copy. */
const copyKept = (buf: Buffer, fields: FieldIndex, out: Buffer, pos: number): number => {
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i < fields.count; i++) {
    if (drop[i] === 1) continue;
    const s = fields.nameStart(i);
    if (s !== runEnd) {
      if (runStart >= 0) pos += buf.copy(out, pos, runStart, runEnd);
      runStart = s;
    }
    runEnd = fields.lineEnd(i);
  }
  if (runStart >= 0) pos += buf.copy(out, pos, runStart, runEnd);
  return pos;
};

export interface ForwardContext {
  readonly parts: ForwardedParts;
  /** Append to incoming X-Forwarded-For/Forwarded and keep incoming X-Forwarded-Proto/Host. */
  readonly trust: boolean;
  /** Host for requests that carry none (HTTP/1.0): the upstream's authority. */
  readonly upstreamHost: Buffer;
  /** Add our Via entry (default true); false passes incoming Via lines through untouched. */
  readonly via?: boolean;
  /** The site's request header edits (`headers.request`). */
  readonly edits?: HeaderEdits | null;
}

/**
 * The request head for the upstream: HTTP/1.1 origin-form, hop-by-hop fields removed, forwarding
 * fields set. Content-Length / Transfer-Encoding lines pass through: the body is framed the same way.
 */
/** A route's changes to the request line and Host toward the app (routes/rewrite.ts). */
export interface HeadRewrite {
  /** The request target sent instead of the client's. */
  readonly target: Buffer | null;
  /** The Host sent instead of the client's (X-Forwarded-Host and Forwarded keep the client's). */
  readonly host: Buffer | null;
}

export const buildUpstreamRequest = (
  head: RequestHead,
  ctx: ForwardContext,
  rewrite: HeadRewrite | null = null,
  /** The request id's field (`name` lower-case): incoming lines of that name are replaced by `line`. */
  requestId: { readonly name: string; readonly line: Buffer } | null = null,
): Buffer => {
  const buf = head.buf;
  const fields = head.fields;
  const names = head.connectionNames;
  const trust = ctx.trust && head.hasForwarded;
  let hasXfp = false;
  let hasXfh = false;
  let hasVia = false;
  const addVia = ctx.via !== false;
  const edits = ctx.edits;
  for (let i = 0; i < fields.count; i++) {
    const id: HeaderId = fields.id(i);
    let d = 0;
    if (id === H.other) {
      // Only unknown fields can be nominated by Connection: never framing or Host.
      if (names !== null && namedBy(buf, fields, i, names)) d = 1;
      else if (requestId !== null && equalsLower(buf, fields.nameStart(i), fields.nameEnd(i), requestId.name))
        d = 1;
    } else if (id === H.upgrade) d = head.upgrade ? 0 : 1;
    else if (isHopByHop(id)) d = 1;
    else if (id === H.host) d = head.hostFromTarget || (rewrite !== null && rewrite.host !== null) ? 1 : 0;
    else if (id === H.xForwardedFor || id === H.forwarded) d = 1;
    else if (id === H.xForwardedClientCert || id === H.xClientVerify) d = 1;
    else if (id === H.xForwardedProto) {
      d = trust ? 0 : 1;
      hasXfp = true;
    } else if (id === H.xForwardedHost) {
      d = trust ? 0 : 1;
      hasXfh = true;
    } else if (id === H.via && addVia) {
      // Re-rendered as one line with ours appended: a reader that takes the first line only sees all.
      d = 1;
      hasVia = true;
    }
    if (d === 0 && edits != null && namedBy(buf, fields, i, edits.drop)) d = 1;
    drop[i] = d;
  }
  const via = !addVia
    ? EMPTY
    : hasVia
      ? Buffer.from(viaLine(incomingVia(head), viaEntry(head.version)), 'latin1')
      : head.version === '1.0'
        ? VIA_10
        : VIA_11;

  // Request-line: method SP path SP HTTP/1.1 (absolute-form becomes origin-form).
  const methodAndSp = head.targetStart - head.start;
  const pathEnd = head.targetEnd;
  let pathStart = head.targetStart;
  let slash = 0;
  if (head.hostFromTarget) {
    // absolute-form: what follows the authority is empty, "/…" or "?…"
    pathStart = head.pathStart;
    if (pathStart === pathEnd || buf[pathStart] !== 0x2f) slash = 1;
  }

  const hasHost = head.hostStart >= 0;
  const hostLen = hasHost ? head.hostEnd - head.hostStart : 0;
  const newHost = rewrite === null ? null : rewrite.host;
  const newTarget = rewrite === null ? null : rewrite.target;
  if (newTarget !== null) slash = 0;
  const hostLine = head.hostFromTarget || !hasHost || newHost !== null;
  // An empty Host stays unquoted (isToken says no to an empty token).
  const quoteHost = hasHost && head.hostEnd > head.hostStart && !isToken(buf, head.hostStart, head.hostEnd);

  let fwd: Buffer | null = null;
  if (trust) fwd = Buffer.from(trustedForwarding(head, ctx, hasXfp, hasXfh), 'latin1');

  const targetLen = newTarget !== null ? newTarget.length : pathEnd - pathStart;
  let len = methodAndSp + slash + targetLen + HTTP11_CRLF.length + keptLength(fields) + via.length + 2;
  if (hostLine)
    len +=
      HOST_PREFIX.length +
      (newHost !== null ? newHost.length : hasHost ? hostLen : ctx.upstreamHost.length) +
      2;
  if (head.upgrade) len += CONNECTION_UPGRADE.length;
  if (requestId !== null) len += requestId.line.length;
  if (edits != null) len += edits.lines.length;
  if (fwd !== null) len += fwd.length;
  else {
    len += ctx.parts.fixed.length + 2;
    if (hasHost) len += HOST_PARAM.length + hostLen + (quoteHost ? 2 : 0) + XFH_PREFIX.length + hostLen;
  }

  const out = Buffer.allocUnsafe(len);
  let p = buf.copy(out, 0, head.start, head.targetStart);
  if (slash === 1) out[p++] = 0x2f;
  p += newTarget !== null ? newTarget.copy(out, p) : buf.copy(out, p, pathStart, pathEnd);
  p += HTTP11_CRLF.copy(out, p);
  if (hostLine) {
    p += HOST_PREFIX.copy(out, p);
    if (newHost !== null) p += newHost.copy(out, p);
    else p += hasHost ? buf.copy(out, p, head.hostStart, head.hostEnd) : ctx.upstreamHost.copy(out, p);
    p += CRLF.copy(out, p);
  }
  p = copyKept(buf, fields, out, p);
  p += via.copy(out, p);
  if (edits != null) p += edits.lines.copy(out, p);
  if (head.upgrade) p += CONNECTION_UPGRADE.copy(out, p);
  if (requestId !== null) p += requestId.line.copy(out, p);
  if (fwd !== null) p += fwd.copy(out, p);
  else {
    p += ctx.parts.fixed.copy(out, p);
    if (hasHost) {
      p += HOST_PARAM.copy(out, p);
      if (quoteHost) out[p++] = 0x22;
      p += buf.copy(out, p, head.hostStart, head.hostEnd);
      if (quoteHost) out[p++] = 0x22;
      p += XFH_PREFIX.copy(out, p);
      p += buf.copy(out, p, head.hostStart, head.hostEnd);
    }
    p += CRLF.copy(out, p);
  }
  p += CRLF.copy(out, p);
  return p === len ? out : out.subarray(0, p);
};

/** The rare path (a proxy in front of us): the values of the incoming Via lines, in order. */
const incomingVia = (head: RequestHead): string[] => {
  const fields = head.fields;
  const values: string[] = [];
  for (let i = 0; i < fields.count; i++)
    if (fields.id(i) === H.via) values.push(latin1(head.buf, fields.valueStart(i), fields.valueEnd(i)));
  return values;
};

/** The rare path (trusted front proxy in front of us): merge the incoming values with ours. */
const trustedForwarding = (
  head: RequestHead,
  ctx: ForwardContext,
  hasXfp: boolean,
  hasXfh: boolean,
): string => {
  const buf = head.buf;
  const fields = head.fields;
  const xff: string[] = [];
  const fwd: string[] = [];
  for (let i = 0; i < fields.count; i++) {
    const id = fields.id(i);
    if (id === H.xForwardedFor) xff.push(latin1(buf, fields.valueStart(i), fields.valueEnd(i)));
    else if (id === H.forwarded) fwd.push(latin1(buf, fields.valueStart(i), fields.valueEnd(i)));
  }
  const host = head.host();
  xff.push(ctx.parts.address);
  fwd.push(host === undefined ? ctx.parts.element : `${ctx.parts.element};host=${forwardedHost(host)}`);
  let s = `${ctx.parts.clientCert}x-forwarded-for: ${xff.filter((v) => v !== '').join(', ')}\r\nforwarded: ${fwd.filter((v) => v !== '').join(', ')}\r\n`;
  if (!hasXfp) s += 'x-forwarded-proto: https\r\n';
  if (!hasXfh && host !== undefined) s += `x-forwarded-host: ${host}\r\n`;
  return s;
};

/** A host as a Forwarded `host=` value: quoted unless it is a token (an empty one stays bare). */
export const forwardedHost = (host: string): string =>
  host.length === 0 || isTokenString(host) ? host : `"${host}"`;

export const Conn = { none: 0, keepAlive: 1, close: 2, upgrade: 3 } as const;
export type ConnHeader = (typeof Conn)[keyof typeof Conn];

/**
 * The response head for an HTTP/1.x client: status line re-issued as HTTP/1.1, hop-by-hop fields
 * removed, framing and Connection set by the caller (it may re-chunk a close-delimited body).
 */
export const buildClientResponseHead = (
  head: ResponseHead,
  chunked: boolean,
  connection: ConnHeader,
  /** The site's response header edits (`headers.response`, HSTS). */
  edits: HeaderEdits | null = null,
): Buffer => {
  const buf = head.buf;
  const fields = head.fields;
  const names = head.connectionNames;
  const keepUpgrade = connection === Conn.upgrade;
  for (let i = 0; i < fields.count; i++) {
    const id = fields.id(i);
    let d = 0;
    if (id === H.other) {
      if (names !== null && namedBy(buf, fields, i, names)) d = 1;
    } else if (id === H.upgrade) d = keepUpgrade ? 0 : 1;
    else if (isHopByHop(id) || id === H.transferEncoding) d = 1;
    if (d === 0 && edits !== null && namedBy(buf, fields, i, edits.drop)) d = 1;
    drop[i] = d;
  }
  const conn =
    connection === Conn.close
      ? CONNECTION_CLOSE
      : connection === Conn.keepAlive
        ? CONNECTION_KEEP_ALIVE
        : connection === Conn.upgrade
          ? CONNECTION_UPGRADE
          : null;
  const statusLen = head.statusLineEnd - head.statusStart;
  const len =
    STATUS_PREFIX.length +
    statusLen +
    2 +
    keptLength(fields) +
    (edits === null ? 0 : edits.lines.length) +
    (chunked ? TE_CHUNKED.length : 0) +
    (conn === null ? 0 : conn.length) +
    2;
  const out = Buffer.allocUnsafe(len);
  let p = STATUS_PREFIX.copy(out, 0);
  p += buf.copy(out, p, head.statusStart, head.statusLineEnd);
  p += CRLF.copy(out, p);
  p = copyKept(buf, fields, out, p);
  if (edits !== null) p += edits.lines.copy(out, p);
  if (chunked) p += TE_CHUNKED.copy(out, p);
  if (conn !== null) p += conn.copy(out, p);
  CRLF.copy(out, p);
  return out;
};
