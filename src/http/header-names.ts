// Field names the proxy has to act on, recognised straight from the bytes so that a request head
// can be classified without allocating one string per header.

export const H = {
  other: 0,
  host: 1,
  contentLength: 2,
  transferEncoding: 3,
  connection: 4,
  keepAlive: 5,
  proxyConnection: 6,
  te: 7,
  trailer: 8,
  upgrade: 9,
  xForwardedFor: 10,
  xForwardedProto: 11,
  xForwardedHost: 12,
  forwarded: 13,
  expect: 14,
  accept: 15,
  http2Settings: 16,
  // Set by tlsterm from the verified client certificate; never taken from a client.
  xForwardedClientCert: 17,
  xClientVerify: 18,
  // RFC 9110 §7.6.3: incoming values are kept and tlsterm's own entry is appended.
  via: 19,
} as const;
export type HeaderId = (typeof H)[keyof typeof H];

/**
 * Case-insensitive compare of token bytes with a lower-case literal. `b | 0x20` lower-cases A-Z; for
 * the other token characters it can only collide with bytes that are not tchar, and names reaching
 * here have already been checked to be tokens.
 */
export const equalsLower = (buf: Uint8Array, start: number, end: number, lower: string): boolean => {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((buf[start + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
};

/** Same as equalsLower, for field *values* (which may hold any byte): lower-cases A-Z only. */
export const valueEqualsLower = (buf: Uint8Array, start: number, end: number, lower: string): boolean => {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let b = buf[start + i]!;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b !== lower.charCodeAt(i)) return false;
  }
  return true;
};

/** Classify a (token) field name; a switch on length first keeps the common case to one compare. */
export const classifyName = (buf: Uint8Array, s: number, e: number): HeaderId => {
  switch (e - s) {
    case 2:
      return equalsLower(buf, s, e, 'te') ? H.te : H.other;
    case 3:
      return equalsLower(buf, s, e, 'via') ? H.via : H.other;
    case 4:
      return equalsLower(buf, s, e, 'host') ? H.host : H.other;
    case 6:
      if (equalsLower(buf, s, e, 'accept')) return H.accept;
      return equalsLower(buf, s, e, 'expect') ? H.expect : H.other;
    case 7:
      if (equalsLower(buf, s, e, 'upgrade')) return H.upgrade;
      return equalsLower(buf, s, e, 'trailer') ? H.trailer : H.other;
    case 9:
      return equalsLower(buf, s, e, 'forwarded') ? H.forwarded : H.other;
    case 10:
      if (equalsLower(buf, s, e, 'connection')) return H.connection;
      return equalsLower(buf, s, e, 'keep-alive') ? H.keepAlive : H.other;
    case 14:
      if (equalsLower(buf, s, e, 'content-length')) return H.contentLength;
      return equalsLower(buf, s, e, 'http2-settings') ? H.http2Settings : H.other;
    case 15:
      if (equalsLower(buf, s, e, 'x-forwarded-for')) return H.xForwardedFor;
      return equalsLower(buf, s, e, 'x-client-verify') ? H.xClientVerify : H.other;
    case 16:
      if (equalsLower(buf, s, e, 'x-forwarded-host')) return H.xForwardedHost;
      return equalsLower(buf, s, e, 'proxy-connection') ? H.proxyConnection : H.other;
    case 17:
      if (equalsLower(buf, s, e, 'transfer-encoding')) return H.transferEncoding;
      return equalsLower(buf, s, e, 'x-forwarded-proto') ? H.xForwardedProto : H.other;
    case 23:
      return equalsLower(buf, s, e, 'x-forwarded-client-cert') ? H.xForwardedClientCert : H.other;
    default:
      return H.other;
  }
};

/** Classify a lower-case name given as a string (the h2 front, where names arrive as strings). */
export const classifyString = (name: string): HeaderId => {
  switch (name) {
    case 'te':
      return H.te;
    case 'via':
      return H.via;
    case 'host':
      return H.host;
    case 'accept':
      return H.accept;
    case 'expect':
      return H.expect;
    case 'upgrade':
      return H.upgrade;
    case 'trailer':
      return H.trailer;
    case 'forwarded':
      return H.forwarded;
    case 'connection':
      return H.connection;
    case 'keep-alive':
      return H.keepAlive;
    case 'content-length':
      return H.contentLength;
    case 'http2-settings':
      return H.http2Settings;
    case 'x-forwarded-for':
      return H.xForwardedFor;
    case 'x-forwarded-client-cert':
      return H.xForwardedClientCert;
    case 'x-client-verify':
      return H.xClientVerify;
    case 'x-forwarded-host':
      return H.xForwardedHost;
    case 'proxy-connection':
      return H.proxyConnection;
    case 'transfer-encoding':
      return H.transferEncoding;
    case 'x-forwarded-proto':
      return H.xForwardedProto;
    default:
      return H.other;
  }
};

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1) plus the ones this proxy re-frames itself: never copied from
 * one connection to the next. Upgrade is handled by the caller (kept only when upgrading).
 */
export const isHopByHop = (id: HeaderId): boolean =>
  id === H.connection ||
  id === H.keepAlive ||
  id === H.proxyConnection ||
  id === H.te ||
  id === H.trailer ||
  id === H.upgrade ||
  id === H.http2Settings;
