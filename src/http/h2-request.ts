// An h2 request's header list, validated (RFC 9113 §8.2, §8.3) and rendered as an HTTP/1.1 head for
// the upstream. Pure: no stream, no socket.

import { Buffer } from 'node:buffer';
import { requestIdFor } from '../observe/index.ts';
import { isFieldValueString, isTokenString, TOKEN } from './chars.ts';
import type { ForwardedParts } from './forwarded.ts';
import { forwardedHost, viaEntry, viaLine } from './head-builder.ts';
import { classifyString, H, isHopByHop } from './header-names.ts';
import { Body, type BodyKind, validHost } from './request-head.ts';
import type { HeaderEdits } from './rules/header-edits.ts';
import type { HttpOptions } from './types.ts';

/** Not malformed, only not supported: answered without a stream error. */
export const CONNECT_REFUSED = 'connect not supported';
const VIA_2 = `via: ${viaEntry('2')}\r\n`;

/** What parsing needs from the site serving the stream. */
export interface H2RequestSite {
  readonly opts: HttpOptions;
  readonly parts: ForwardedParts;
  readonly fixedForwarded: string;
  /** Add our Via entry (HttpOptions.via, unless the upstream says no). */
  readonly via: boolean;
  /** The site's request header edits (`headers.request`). */
  readonly edits?: HeaderEdits | null;
}

/** What is known of the request even when it is refused. */
export interface H2RequestFacts {
  method: string;
  path: string;
  /** The effective host (:authority or Host). */
  host: string;
  isHead: boolean;
  /** The client accepts text/html (the error page's form). */
  html: boolean;
  userAgent: string | null;
  /** The incoming request id if sane, else a new one (also sent upstream unless the header is false). */
  requestId: string;
}

/** The request as the upstream gets it. */
export interface H2Request {
  readonly head: Buffer;
  readonly body: BodyKind;
  readonly length: number;
}

/**
 * Validate the request and render it as an HTTP/1.1 head; a string is the rejection reason. What is
 * learnt before a refusal (method, path, host, HEAD, wants HTML) is written into `into`: the log
 * line and the error page need it either way.
 */
export const parseH2Request = (
  raw: readonly string[],
  site: H2RequestSite,
  endAfterHeaders: boolean,
  into: H2RequestFacts,
  /** A route's rewrite: the target and Host the app gets instead of the client's. */
  rewrite: { readonly target: string | null; readonly host: string | null } | null = null,
): H2Request | string => {
  let method: string | undefined;
  let path: string | undefined;
  let scheme: string | undefined;
  let authority: string | undefined;
  let host: string | undefined;
  let contentLength: string | undefined;
  let cookies: string[] | null = null;
  let accept = false;
  const trust = site.opts.trustForwarded;
  const edits = site.edits;
  const xff: string[] = [];
  const fwd: string[] = [];
  let xfp: string | undefined;
  let xfh: string | undefined;
  let via: string[] | null = null;
  let fields = '';
  const idHeader = site.opts.requestIdHeader;
  const idName = idHeader === false ? 'x-request-id' : idHeader;
  let incomingId: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name.charCodeAt(0) === 0x3a) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      else if (name === ':scheme') scheme = value;
      else if (name === ':authority') authority = value;
      else return `unknown pseudo-header ${name}`;
      continue;
    }
    if (!isLowerToken(name)) return 'invalid field name';
    if (!isFieldValueString(value)) return 'invalid character in field value';
    if (edits?.drop.includes(name)) continue;
    const id = classifyString(name);
    switch (id) {
      case H.other:
        if (name === 'cookie') {
          cookies ??= [];
          cookies.push(value);
        } else if (name === idName) {
          incomingId ??= value;
          // Replaced by ours (the same value when it is sane) unless no header is sent.
          if (idHeader === false) fields += `${name}: ${value}\r\n`;
        } else {
          if (name === 'user-agent') into.userAgent ??= value;
          fields += `${name}: ${value}\r\n`;
        }
        break;
      case H.host:
        if (host !== undefined) return 'multiple host';
        host = value;
        break;
      case H.contentLength:
        if (contentLength !== undefined) return 'duplicate content-length';
        contentLength = value;
        break;
      case H.te:
        // RFC 9113 §8.2.2: only "trailers" is allowed, and it is hop-by-hop anyway.
        if (value !== 'trailers') return 'connection-specific field te';
        break;
      case H.transferEncoding:
      case H.connection:
      case H.keepAlive:
      case H.proxyConnection:
      case H.upgrade:
      case H.http2Settings:
        return `connection-specific field ${name}`;
      case H.xForwardedFor:
        if (trust) xff.push(value);
        break;
      case H.forwarded:
        if (trust) fwd.push(value);
        break;
      case H.xForwardedClientCert:
      case H.xClientVerify:
        break; // only tlsterm sets these, from the verified client certificate
      case H.xForwardedProto:
        if (trust) xfp = value;
        break;
      case H.xForwardedHost:
        if (trust) xfh = value;
        break;
      case H.via:
        if (site.via) {
          via ??= [];
          via.push(value);
        } else fields += `${name}: ${value}\r\n`;
        break;
      case H.accept:
        if (!accept) accept = value.includes('text/html');
        fields += `${name}: ${value}\r\n`;
        break;
      default:
        if (!isHopByHop(id)) fields += `${name}: ${value}\r\n`;
    }
  }
  into.requestId = requestIdFor(incomingId);
  if (idHeader !== false) fields += `${idHeader}: ${into.requestId}\r\n`;
  if (method === undefined || !isTokenString(method)) return 'missing or invalid :method';
  into.method = method;
  into.isHead = method === 'HEAD';
  into.html = accept;
  if (method === 'CONNECT') return CONNECT_REFUSED;
  if (scheme !== 'https' && scheme !== 'http') return 'missing or invalid :scheme';
  if (path === undefined || path === '') return 'missing :path';
  if (!isTarget(path) || (path.charCodeAt(0) !== 0x2f && !(path === '*' && method === 'OPTIONS')))
    return 'invalid :path';
  into.path = path;
  const effectiveHost = authority ?? host;
  if (effectiveHost === undefined) return 'missing :authority';
  into.host = effectiveHost;
  if (authority !== undefined && host !== undefined && host.toLowerCase() !== authority.toLowerCase())
    return 'host differs from :authority';
  const hb = Buffer.from(effectiveHost, 'latin1');
  if (!validHost(hb, 0, hb.length)) return 'invalid :authority';

  let body: BodyKind = Body.none;
  let framing = '';
  let length = 0;
  if (contentLength !== undefined) {
    if (!/^[0-9]{1,15}$/.test(contentLength)) return 'invalid content-length';
    framing = `content-length: ${contentLength}\r\n`;
    length = Number(contentLength);
    body = length > 0 ? Body.length : Body.none;
  } else if (!endAfterHeaders) {
    framing = 'transfer-encoding: chunked\r\n';
    body = Body.chunked;
  }

  const parts = site.parts;
  let forwarding: string;
  if (trust && (xff.length > 0 || fwd.length > 0 || xfp !== undefined || xfh !== undefined)) {
    xff.push(parts.address);
    fwd.push(`${parts.element};host=${forwardedHost(effectiveHost)}`);
    forwarding =
      `${parts.clientCert}x-forwarded-for: ${xff.join(', ')}\r\nforwarded: ${fwd.join(', ')}\r\n` +
      `x-forwarded-proto: ${xfp ?? 'https'}\r\nx-forwarded-host: ${xfh ?? effectiveHost}\r\n`;
  } else {
    forwarding = `${site.fixedForwarded};host=${forwardedHost(effectiveHost)}\r\nx-forwarded-host: ${effectiveHost}\r\n`;
  }
  // RFC 9113 §8.2.3: split cookie fields are joined with "; " for HTTP/1.1.
  const cookie = cookies === null ? '' : `cookie: ${cookies.join('; ')}\r\n`;
  const viaField = !site.via ? '' : via === null ? VIA_2 : viaLine(via, viaEntry('2'));
  const head = `${method} ${rewrite?.target ?? path} HTTP/1.1\r\nhost: ${rewrite?.host ?? effectiveHost}\r\n${fields}${cookie}${viaField}${edits?.text ?? ''}${framing}${forwarding}\r\n`;
  return { head: Buffer.from(head, 'latin1'), body, length };
};

const isLowerToken = (s: string): boolean => {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] !== 1 || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
};

const isTarget = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
};
