// The request head (RFC 9112 §3, §5, §6.3): request-line, fields and the framing decision, parsed
// strictly. Anything two HTTP implementations could read differently is rejected, because the
// proxy and the upstream must agree byte for byte on where every request ends (§11.2).

import type { Buffer } from 'node:buffer';
import { CR, HOST, isToken, LF, SP, TARGET, TOKEN } from './chars.ts';
import { type FieldIndex, ListCursor, parseContentLength, parseFieldLines } from './field-lines.ts';
import { E, type HeadError } from './head-errors.ts';
import { equalsLower, H, valueEqualsLower } from './header-names.ts';

export const Body = { none: 0, length: 1, chunked: 2 } as const;
export type BodyKind = (typeof Body)[keyof typeof Body];

/** A parsed request head. Offsets point into `buf`; `fields` is the decoder's scratch index. */
export class RequestHead {
  buf: Buffer;
  /** [start, end) is the whole head, request-line to the empty line included. */
  start = 0;
  end = 0;
  method = '';
  targetStart = 0;
  targetEnd = 0;
  /** Where the path begins inside the target (past `scheme://authority` for absolute-form). */
  pathStart = 0;
  version: '1.0' | '1.1' = '1.1';
  fields: FieldIndex;
  /** Effective host (the Host field, or the authority of an absolute-form target); -1 when none. */
  hostStart = -1;
  hostEnd = -1;
  /** True when the host came from the target, so the Host line must be rewritten. */
  hostFromTarget = false;
  body: BodyKind = Body.none;
  contentLength = 0;
  keepAlive = true;
  /** Connection: upgrade plus an Upgrade field (HTTP/1.1 only). */
  upgrade = false;
  expectContinue = false;
  acceptsHtml = false;
  /** Extra field names listed in Connection (lower-case), to be dropped as hop-by-hop. */
  connectionNames: string[] | null = null;
  /** Any X-Forwarded-* or Forwarded field present (only then do they need handling). */
  hasForwarded = false;
  isHead = false;

  constructor(buf: Buffer, fields: FieldIndex) {
    this.buf = buf;
    this.fields = fields;
  }

  target(): string {
    return latin1(this.buf, this.targetStart, this.targetEnd);
  }

  host(): string | undefined {
    return this.hostStart < 0 ? undefined : latin1(this.buf, this.hostStart, this.hostEnd);
  }
}

/** Bytes to string one-to-one (obs-text survives the round trip; TextDecoder's latin1 is cp1252). */
export const latin1 = (buf: Buffer, s: number, e: number): string => buf.toString('latin1', s, e);

const cursor = new ListCursor();

const isVersion = (buf: Uint8Array, p: number): number => {
  // 'HTTP/' DIGIT '.' DIGIT; returns 10/11 for 1.0/1.1, 0 for another well-formed version, -1 if malformed.
  if (
    buf[p] !== 0x48 ||
    buf[p + 1] !== 0x54 ||
    buf[p + 2] !== 0x54 ||
    buf[p + 3] !== 0x50 ||
    buf[p + 4] !== 0x2f
  )
    return -1;
  const major = buf[p + 5]! - 0x30;
  const minor = buf[p + 7]! - 0x30;
  if (major < 0 || major > 9 || buf[p + 6] !== 0x2e || minor < 0 || minor > 9) return -1;
  if (major === 1 && (minor === 0 || minor === 1)) return 10 + minor;
  return 0;
};

/**
 * Parse a complete head in buf[start, end) (end is just past the CRLFCRLF). Fills and returns a
 * RequestHead, or returns the HeadError to answer with.
 */
export const parseRequestHead = (
  buf: Buffer,
  start: number,
  end: number,
  fields: FieldIndex,
): RequestHead | HeadError => {
  let p = start;
  while (TOKEN[buf[p]!] === 1) p++;
  if (p === start) return buf[p] === SP ? E.badRequestLine : E.badMethod;
  if (buf[p] !== SP) return buf[p] === CR || buf[p] === LF ? E.badRequestLine : E.badMethod;
  const methodEnd = p++;
  const targetStart = p;
  while (TARGET[buf[p]!] === 1) p++;
  if (p === targetStart || buf[p] !== SP) return buf[p] === SP ? E.badRequestLine : E.badTarget;
  const targetEnd = p++;
  const v = isVersion(buf, p);
  if (v === 0) return E.unsupportedVersion;
  if (v < 0) return E.badVersion;
  p += 8;
  if (buf[p] !== CR) return buf[p] === LF ? E.bareLf : E.badRequestLine;
  if (buf[p + 1] !== LF) return E.bareCr;
  p += 2;

  const after = parseFieldLines(buf, p, fields);
  if (typeof after !== 'number') return after;
  if (after !== end) return E.badRequestLine; // the caller's CRLFCRLF and ours must coincide

  const head = new RequestHead(buf, fields);
  head.start = start;
  head.end = end;
  head.method = latin1(buf, start, methodEnd);
  head.targetStart = targetStart;
  head.targetEnd = targetEnd;
  head.pathStart = targetStart;
  head.version = v === 11 ? '1.1' : '1.0';
  head.isHead = head.method === 'HEAD';
  if (head.method === 'CONNECT') return E.connectMethod;

  let hosts = 0;
  let cls = 0;
  let clStart = 0;
  let clEnd = 0;
  let teLines = 0;
  let chunkedCount = 0;
  let otherCodings = 0;
  let lastChunked = false;
  let close = false;
  let keepAliveToken = false;
  let upgradeToken = false;
  let upgradeField = false;

  for (let i = 0; i < fields.count; i++) {
    const id = fields.id(i);
    if (id === H.other) continue;
    const vs = fields.valueStart(i);
    const ve = fields.valueEnd(i);
    switch (id) {
      case H.host:
        hosts++;
        head.hostStart = vs;
        head.hostEnd = ve;
        break;
      case H.contentLength:
        cls++;
        clStart = vs;
        clEnd = ve;
        break;
      case H.transferEncoding:
        teLines++;
        cursor.reset(buf, vs, ve);
        if (ve === vs) return E.teBad;
        while (cursor.next()) {
          if (valueEqualsLower(buf, cursor.a, cursor.b, 'chunked')) {
            chunkedCount++;
            lastChunked = true;
          } else {
            // A coding name, optionally with parameters; anything else is not a transfer-coding.
            let k = cursor.a;
            while (k < cursor.b && TOKEN[buf[k]!] === 1) k++;
            if (k === cursor.a || (k < cursor.b && buf[k] !== 0x3b && buf[k] !== SP && buf[k] !== 0x09))
              return E.teBad;
            otherCodings++;
            lastChunked = false;
          }
        }
        break;
      case H.connection:
        cursor.reset(buf, vs, ve);
        while (cursor.next()) {
          const a = cursor.a;
          const b = cursor.b;
          if (!isToken(buf, a, b)) return E.badConnection;
          if (equalsLower(buf, a, b, 'close')) close = true;
          else if (equalsLower(buf, a, b, 'keep-alive')) keepAliveToken = true;
          else if (equalsLower(buf, a, b, 'upgrade')) upgradeToken = true;
          else {
            head.connectionNames ??= [];
            head.connectionNames.push(latin1(buf, a, b).toLowerCase());
          }
        }
        break;
      case H.upgrade:
        upgradeField = ve > vs;
        break;
      case H.expect:
        if (!valueEqualsLower(buf, vs, ve, '100-continue')) return E.expectation;
        head.expectContinue = true;
        break;
      case H.accept:
        if (!head.acceptsHtml) head.acceptsHtml = containsLower(buf, vs, ve, 'text/html');
        break;
      case H.xForwardedFor:
      case H.xForwardedHost:
      case H.xForwardedProto:
      case H.forwarded:
        head.hasForwarded = true;
        break;
    }
  }

  // Framing (RFC 9112 §6.1, §6.3): exactly one unambiguous way to find the end of the body.
  if (teLines > 0) {
    if (head.version === '1.0') return E.teInHttp10;
    if (cls > 0) return E.clWithTe;
    if (chunkedCount > 1) return E.teChunkedTwice;
    if (!lastChunked) return E.teNotChunked;
    if (otherCodings > 0) return E.teUnsupported;
    head.body = Body.chunked;
  } else if (cls > 0) {
    if (cls > 1) return E.duplicateCl;
    const n = parseContentLength(buf, clStart, clEnd);
    if (n < 0) return E.badCl;
    head.contentLength = n;
    head.body = n > 0 ? Body.length : Body.none;
  }

  if (hosts > 1) return E.multipleHost;
  if (hosts === 0 && head.version === '1.1') return E.missingHost;
  if (hosts === 1 && !validHost(buf, head.hostStart, head.hostEnd)) return E.badHost;

  // Request-target forms (RFC 9112 §3.2). CONNECT (authority-form) was refused above.
  const t0 = buf[targetStart];
  if (t0 === 0x2a) {
    if (targetEnd - targetStart !== 1 || head.method !== 'OPTIONS') return E.badTarget;
  } else if (t0 !== 0x2f) {
    const r = absoluteForm(buf, targetStart, targetEnd, head);
    if (r !== null) return r;
  }

  head.keepAlive = head.version === '1.1' ? !close : keepAliveToken && !close;
  head.upgrade = head.version === '1.1' && upgradeToken && upgradeField;
  return head;
};

/** absolute-form `http(s)://authority[path]`: the authority replaces Host (RFC 9112 §3.2.2). */
const absoluteForm = (buf: Buffer, s: number, e: number, head: RequestHead): HeadError | null => {
  let p = s;
  if (e - s >= 7 && valueEqualsLower(buf, s, s + 7, 'http://')) p = s + 7;
  else if (e - s >= 8 && valueEqualsLower(buf, s, s + 8, 'https://')) p = s + 8;
  else return E.badTarget;
  const a = p;
  while (p < e && buf[p] !== 0x2f && buf[p] !== 0x3f) p++;
  if (!validHost(buf, a, p)) return E.badTarget;
  head.hostStart = a;
  head.hostEnd = p;
  head.hostFromTarget = true;
  head.pathStart = p;
  return null;
};

/** uri-host [":" port]: reg-name or bracketed IP-literal, then optional digits-only port. */
export const validHost = (buf: Uint8Array, s: number, e: number): boolean => {
  if (e <= s) return false;
  let p = s;
  if (buf[p] === 0x5b) {
    while (p < e && buf[p] !== 0x5d) {
      const c = buf[p]!;
      if (HOST[c] !== 1 || (p > s && c === 0x5b)) return false;
      p++;
    }
    if (p === e || p === s + 1) return false;
    p++;
  } else {
    while (p < e && buf[p] !== 0x3a) {
      const c = buf[p]!;
      if (HOST[c] !== 1 || c === 0x5b || c === 0x5d) return false;
      p++;
    }
    if (p === s) return false;
  }
  if (p === e) return true;
  if (buf[p] !== 0x3a) return false;
  for (p++; p < e; p++) if (buf[p]! < 0x30 || buf[p]! > 0x39) return false;
  return true;
};

const containsLower = (buf: Uint8Array, s: number, e: number, lower: string): boolean => {
  const n = lower.length;
  const first = lower.charCodeAt(0);
  for (let i = s; i + n <= e; i++) {
    if ((buf[i]! | 0x20) !== first) continue;
    if (valueEqualsLower(buf, i, i + n, lower)) return true;
  }
  return false;
};
