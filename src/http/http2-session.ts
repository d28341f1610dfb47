// The h2 front: node:http2's core stream API on the decrypted socket (no compat req/res layer).
// Each stream is validated (RFC 9113 §8.2, §8.3) and becomes one HTTP/1.1 exchange with the
// upstream pool; the response is streamed back respecting h2 flow control.

import http2 from 'node:http2';
import type net from 'node:net';
import { logRejected, logRequest, logUpstreamError } from './access-log.ts';
import { isFieldValueString, isTokenString, TOKEN } from './chars.ts';
import { errorBody } from './error-page.ts';
import { type ForwardedParts, forwardedParts } from './forwarded.ts';
import { SessionWatch, type Watched } from './h2-watch.ts';
import { forwardedHost, viaEntry, viaLine } from './head-builder.ts';
import { E } from './head-errors.ts';
import { classifyString, equalsLower, H, isHopByHop } from './header-names.ts';
import { localResponseH2, runHandler } from './local-response.ts';
import { Body, type BodyKind, latin1, validHost } from './request-head.ts';
import { ResBody, type ResponseHead } from './response-head.ts';
import { isMisdirected, SiteChoice } from './site-choice.ts';
import { logTimeout, SendStall, type TimeoutKind } from './timeouts.ts';
import {
  type ConnectionInfo,
  type Drainable,
  type HttpLogger,
  type HttpOptions,
  type HttpSiteRuntime,
  type LocalHandler,
  type Misdirected,
  resolveHttpOptions,
  type SiteResolver,
} from './types.ts';
import { Exchange, type ResponseSink } from './upstream-exchange.ts';
import { type Pool, poolFor, type UpstreamConn } from './upstream-pool.ts';

const { NGHTTP2_INTERNAL_ERROR, NGHTTP2_CANCEL, NGHTTP2_PROTOCOL_ERROR } = http2.constants;
/** Not malformed, only not supported: answered without a stream error. */
const CONNECT_REFUSED = 'connect not supported';
/** The longest a closing session (GOAWAY sent) waits for its streams before it is destroyed. */
const CLOSE_GRACE_MS = 10_000;
const VIA_2 = `via: ${viaEntry('2')}\r\n`;

interface H2Context {
  readonly info: ConnectionInfo;
  readonly log: HttpLogger;
  readonly opts: HttpOptions;
  readonly pool: Pool | null;
  readonly handler: LocalHandler | null;
  readonly upstreamName: string;
  readonly parts: ForwardedParts;
  readonly fixedForwarded: string;
  /** Add our Via entry (HttpOptions.via, unless the upstream says no). */
  readonly via: boolean;
  /** The open streams and their timers (h2_idle runs only when there is none). */
  readonly watch: SessionWatch;
  /** The context of the site serving a request's host (the connection's own, another, or 421). */
  readonly route: (host: string) => H2Context | Misdirected;
}

/**
 * Serve h2 on a decrypted socket (ALPN h2); the socket belongs to the HTTP layer from now on. With
 * a SiteResolver, each stream is served by the site of its :authority (or answered 421).
 */
export const serveHttp2 = (
  socket: net.Socket,
  site: HttpSiteRuntime | SiteResolver,
  conn: ConnectionInfo,
  log: HttpLogger,
  opts?: Partial<HttpOptions>,
): Drainable => {
  const o = resolveHttpOptions(opts);
  socket.on('error', () => {});
  let session: http2.ServerHttp2Session;
  try {
    session = http2.performServerHandshake(socket, {
      settings: {
        enablePush: false,
        maxConcurrentStreams: o.h2MaxStreams,
        maxHeaderListSize: o.maxHeaderBytes * 2,
      },
      maxHeaderListPairs: 256,
    });
  } catch (err) {
    log({
      event: 'h2_error',
      error: err instanceof Error ? err.message : String(err),
      client: conn.clientAddress,
    });
    socket.destroy();
    return NOTHING_TO_DRAIN;
  }
  const sites = new SiteChoice(site);
  const parts = forwardedParts(conn.clientAddress, conn.clientCertLines);
  // One sweep of stream timers per session, whichever site serves a stream.
  // A bound runs out within a quarter of itself (the sweep's period) of its exact time.
  const watch = new SessionWatch(Math.max(50, Math.min(o.bodyTimeoutMs, o.sendTimeoutMs) / 4));
  const fixedForwarded = parts.fixed.toString('latin1');
  // Other sites' contexts, made on first use (coalesced connections only).
  let others: Map<HttpSiteRuntime, H2Context> | null = null;
  const route = (host: string): H2Context | Misdirected => {
    const choice = sites.forString(host);
    if (choice === sites.own) return ctx;
    if (isMisdirected(choice)) return choice;
    others ??= new Map();
    let c = others.get(choice);
    if (c === undefined) {
      c = contextOf(choice);
      others.set(choice, c);
    }
    return c;
  };
  const contextOf = (s: HttpSiteRuntime): H2Context => {
    const handler = s.handler ?? null;
    const pool = handler === null ? poolFor(s) : null;
    return {
      info: conn,
      log,
      opts: o,
      pool,
      handler,
      upstreamName: pool === null ? 'local' : pool.origin,
      parts,
      fixedForwarded,
      via: o.via && pool?.upstream.via !== false,
      watch,
      route,
    };
  };
  const ctx = contextOf(sites.own);
  session.on('error', () => {});
  session.on('stream', (stream, _headers, _flags, rawHeaders) => {
    new H2Stream(ctx, stream, rawHeaders as unknown as string[]).start();
  });
  // The session's inactivity timer closes it only when no stream is open (each stream is bounded by
  // the watch and the upstream's response timeout). A listener, not setTimeout's callback, which
  // node:http2 calls once: the timer is re-armed by the next frame, and must find a listener then.
  session.on('timeout', () => {
    if (ctx.watch.size > 0 || session.closed || session.destroyed) return;
    logTimeout(log, conn, 'h2_idle', o.h2IdleTimeoutMs, null, null);
    closeSession(session, Math.min(o.sendTimeoutMs, CLOSE_GRACE_MS));
  });
  session.setTimeout(o.h2IdleTimeoutMs);
  session.once('close', () => ctx.watch.stop());
  // A reload or shutdown: GOAWAY, streams in flight finish (h2 has no race to guard against);
  // the tracker's drain deadline cuts what is left.
  return { drain: () => session.close() };
};

/** GOAWAY, and a hard destroy if the streams still open have not ended within `graceMs`. */
const closeSession = (session: http2.ServerHttp2Session, graceMs: number): void => {
  const timer = setTimeout(() => {
    if (!session.destroyed) session.destroy();
  }, graceMs);
  timer.unref();
  session.once('close', () => clearTimeout(timer));
  session.close();
};

const NOTHING_TO_DRAIN: Drainable = { drain: () => {} };

class H2Stream implements ResponseSink, Watched {
  private ctx: H2Context;
  private readonly stream: http2.ServerHttp2Stream;
  private readonly raw: string[];
  private exchange: Exchange | null = null;
  private readonly startedAt = performance.now();
  private method = '';
  private path = '';
  private status = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private html = false;
  private isHead = false;
  private finished = false;
  /** The request body has ended (or there is none). */
  private requestDone = false;
  /** Reading paused because the upstream is not taking the body. */
  private readPaused = false;
  /** The response was cut: the stream must end with RST_STREAM, never END_STREAM. */
  private aborted = false;
  private closed = false;
  /** Last read of the request body (the body timeout runs from here). */
  private lastReadAt = performance.now();
  private readonly stall = new SendStall();
  /** The effective host (:authority or Host), set by parse. */
  private host = '';
  /** Extra members of the log line (a 421's reason). */
  private note: Readonly<Record<string, string>> | null = null;

  constructor(ctx: H2Context, stream: http2.ServerHttp2Stream, raw: string[]) {
    this.ctx = ctx;
    this.stream = stream;
    this.raw = raw;
  }

  start(): void {
    const stream = this.stream;
    this.requestDone = stream.endAfterHeaders;
    stream.on('error', () => {});
    stream.on('close', () => this.onClose());
    this.ctx.watch.add(this);
    let req = this.parse();
    if (typeof req !== 'string') {
      // The site for this stream's :authority (RFC 9113 §9.1.1: any name the certificate covers).
      const routed = this.ctx.route(this.host);
      if (routed !== this.ctx) {
        if ('misdirected' in routed) {
          this.note = { reason: routed.misdirected };
          this.status = 421;
          this.respondError(421);
          return;
        }
        this.ctx = routed;
        req = this.parse(); // again: Via handling is the serving site's
      }
    }
    const ctx = this.ctx;
    if (typeof req === 'string') {
      logRejected(ctx.log, ctx.info, 400, req);
      this.status = 400;
      // RFC 9113 §8.1.1: a malformed request is a stream error of type PROTOCOL_ERROR; a server may
      // answer first. The 400 says why, the reset says it was not a complete exchange.
      this.respondError(400, req === CONNECT_REFUSED ? undefined : NGHTTP2_PROTOCOL_ERROR);
      return;
    }
    const maxBody = ctx.opts.maxBodyBytes;
    if (maxBody > 0 && req.length > maxBody) {
      logRejected(ctx.log, ctx.info, E.bodyTooLarge.status, E.bodyTooLarge.reason);
      this.status = E.bodyTooLarge.status;
      this.respondError(E.bodyTooLarge.status);
      return;
    }
    if (ctx.handler !== null) {
      this.serveLocal(ctx.handler);
      return;
    }
    const ex = new Exchange(ctx.pool!, this, req.head, req.body, this.method, false);
    this.exchange = ex;
    stream.on('data', (chunk: Buffer) => {
      if (ex.done) return; // cut (max_body, a timeout): the rest is not wanted
      this.bytesIn += chunk.length;
      this.lastReadAt = performance.now();
      if (maxBody > 0 && this.bytesIn > maxBody) {
        this.bodyTooLarge();
        return;
      }
      if (!ex.writeBody(chunk)) {
        this.readPaused = true;
        stream.pause();
      }
    });
    stream.on('end', () => {
      this.requestDone = true;
      ex.endBody();
    });
    stream.on('drain', () => ex.resumeResponse());
    // With trailers awaited, ending the stream does not send END_STREAM by itself: a cut response
    // (aborted) then ends with RST_STREAM alone, so the client cannot take it for a whole one.
    stream.on('wantTrailers', () => {
      if (!this.aborted) stream.sendTrailers({});
    });
    ex.start();
  }

  /** From the session's watch: has the client stopped reading, or stopped sending its body? */
  check(now: number): void {
    if (this.closed) return;
    const o = this.ctx.opts;
    if (this.stall.stuck(now, this.stream.writableLength, 0, o.sendTimeoutMs))
      this.timedOut('send', o.sendTimeoutMs);
    else if (!this.requestDone && !this.readPaused && now - this.lastReadAt >= o.bodyTimeoutMs)
      this.timedOut('body', o.bodyTimeoutMs);
    // else: progress, or waiting for the upstream, whose response timeout runs on its socket.
  }

  private timedOut(kind: TimeoutKind, limitMs: number): void {
    const stream = this.stream;
    logTimeout(this.ctx.log, this.ctx.info, kind, limitMs, this.method, this.path);
    this.exchange?.abort();
    this.exchange = null;
    this.requestDone = true; // the rest of the body is not waited for any more
    if (kind === 'body' && !stream.headersSent) {
      this.status = 408;
      this.respondError(408);
      return;
    }
    this.aborted = true;
    this.finish();
    if (!stream.destroyed) stream.close(NGHTTP2_CANCEL);
  }

  /** A body without content-length went over max_body. */
  private bodyTooLarge(): void {
    const stream = this.stream;
    logRejected(this.ctx.log, this.ctx.info, E.bodyTooLarge.status, E.bodyTooLarge.reason);
    this.exchange?.abort();
    this.exchange = null;
    this.requestDone = true;
    stream.pause();
    if (!stream.headersSent) {
      this.status = E.bodyTooLarge.status;
      this.respondError(E.bodyTooLarge.status);
      return;
    }
    this.aborted = true;
    this.finish();
    if (!stream.destroyed) stream.close(NGHTTP2_CANCEL);
  }

  /** Validate the request and render it as an HTTP/1.1 head; a string is the rejection reason. */
  private parse(): { head: Buffer; body: BodyKind; length: number } | string {
    const raw = this.raw;
    let method: string | undefined;
    let path: string | undefined;
    let scheme: string | undefined;
    let authority: string | undefined;
    let host: string | undefined;
    let contentLength: string | undefined;
    let cookies: string[] | null = null;
    let accept = false;
    const trust = this.ctx.opts.trustForwarded;
    const xff: string[] = [];
    const fwd: string[] = [];
    let xfp: string | undefined;
    let xfh: string | undefined;
    let via: string[] | null = null;
    let fields = '';
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
      const id = classifyString(name);
      switch (id) {
        case H.other:
          if (name === 'cookie') {
            cookies ??= [];
            cookies.push(value);
          } else fields += `${name}: ${value}\r\n`;
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
          if (this.ctx.via) {
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
    if (method === undefined || !isTokenString(method)) return 'missing or invalid :method';
    this.method = method;
    this.isHead = method === 'HEAD';
    this.html = accept;
    if (method === 'CONNECT') return CONNECT_REFUSED;
    if (scheme !== 'https' && scheme !== 'http') return 'missing or invalid :scheme';
    if (path === undefined || path === '') return 'missing :path';
    if (!isTarget(path) || (path.charCodeAt(0) !== 0x2f && !(path === '*' && method === 'OPTIONS')))
      return 'invalid :path';
    this.path = path;
    const effectiveHost = authority ?? host;
    if (effectiveHost === undefined) return 'missing :authority';
    this.host = effectiveHost;
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
    } else if (!this.stream.endAfterHeaders) {
      framing = 'transfer-encoding: chunked\r\n';
      body = Body.chunked;
    }

    const parts = this.ctx.parts;
    let forwarding: string;
    if (trust && (xff.length > 0 || fwd.length > 0 || xfp !== undefined || xfh !== undefined)) {
      xff.push(parts.address);
      fwd.push(`${parts.element};host=${forwardedHost(effectiveHost)}`);
      forwarding =
        `${parts.clientCert}x-forwarded-for: ${xff.join(', ')}\r\nforwarded: ${fwd.join(', ')}\r\n` +
        `x-forwarded-proto: ${xfp ?? 'https'}\r\nx-forwarded-host: ${xfh ?? effectiveHost}\r\n`;
    } else {
      forwarding = `${this.ctx.fixedForwarded};host=${forwardedHost(effectiveHost)}\r\nx-forwarded-host: ${effectiveHost}\r\n`;
    }
    // RFC 9113 §8.2.3: split cookie fields are joined with "; " for HTTP/1.1.
    const cookie = cookies === null ? '' : `cookie: ${cookies.join('; ')}\r\n`;
    const viaField = !this.ctx.via ? '' : via === null ? VIA_2 : viaLine(via, viaEntry('2'));
    const head = `${method} ${path} HTTP/1.1\r\nhost: ${effectiveHost}\r\n${fields}${cookie}${viaField}${framing}${forwarding}\r\n`;
    return { head: Buffer.from(head, 'latin1'), body, length };
  }

  private serveLocal(handler: LocalHandler): void {
    const stream = this.stream;
    const answer = (): void => {
      if (this.finished || stream.destroyed) return;
      const headers: (readonly [string, string])[] = [];
      for (let i = 0; i + 1 < this.raw.length; i += 2) {
        const n = this.raw[i]!;
        if (n.charCodeAt(0) !== 0x3a) headers.push([n, this.raw[i + 1]!]);
      }
      const res = runHandler(
        handler,
        { method: this.method, target: this.path, headers, httpVersion: '2' },
        this.ctx.info,
        this.ctx.log,
      );
      const out = localResponseH2(res, this.isHead);
      this.status = res.status;
      this.bytesOut = out.body === null ? 0 : out.body.length;
      this.finish();
      try {
        stream.respond(out.headers, { endStream: out.body === null });
        if (out.body !== null) stream.end(out.body);
      } catch {
        stream.close(NGHTTP2_INTERNAL_ERROR);
      }
    };
    if (stream.endAfterHeaders) answer();
    else {
      stream.on('data', (c: Buffer) => {
        this.bytesIn += c.length;
        this.lastReadAt = performance.now();
      });
      stream.on('end', () => {
        this.requestDone = true;
        answer();
      });
    }
  }

  private onClose(): void {
    if (!this.closed) {
      this.closed = true;
      this.ctx.watch.delete(this);
    }
    if (this.finished) return;
    this.exchange?.abort();
    this.exchange = null;
    this.finished = true;
    this.logAccess(this.stream.headersSent ? this.status : 499);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.logAccess(this.status);
  }

  private logAccess(status: number): void {
    const c = this.ctx;
    logRequest(
      c.log,
      c.info,
      this.method,
      this.path,
      status,
      this.bytesIn,
      this.bytesOut,
      this.startedAt,
      this.note === null ? c.upstreamName : 'none',
      this.note,
    );
  }

  /** An error page; with `reset`, the stream then ends with RST_STREAM(reset) instead of END_STREAM. */
  private respondError(status: number, reset?: number): void {
    const stream = this.stream;
    this.finish();
    if (stream.destroyed || stream.headersSent) return;
    const b = errorBody(status, this.html);
    try {
      if (reset !== undefined) stream.once('wantTrailers', () => stream.close(reset));
      stream.respond(
        {
          ':status': status,
          'content-type': b.contentType,
          'content-length': b.body.length,
          'cache-control': 'no-store',
        },
        reset !== undefined ? { waitForTrailers: true } : { endStream: this.isHead },
      );
      if (reset !== undefined) stream.end(this.isHead ? undefined : b.body);
      else if (!this.isHead) stream.end(b.body);
    } catch {
      stream.close(NGHTTP2_INTERNAL_ERROR);
    }
  }

  // --- ResponseSink ---

  onInterim(head: ResponseHead): void {
    const stream = this.stream;
    if (stream.destroyed || stream.headersSent) return;
    try {
      stream.additionalHeaders(responseHeaders(head));
    } catch {
      // An interim response is advisory; dropping one is harmless.
    }
  }

  onResponseHead(head: ResponseHead): void {
    const stream = this.stream;
    this.status = head.status;
    if (stream.destroyed) return;
    try {
      const endStream = head.body === ResBody.none;
      stream.respond(responseHeaders(head), { endStream, waitForTrailers: !endStream });
    } catch {
      this.exchange?.abort();
      this.exchange = null;
      stream.close(NGHTTP2_INTERNAL_ERROR);
    }
  }

  onResponseData(chunk: Buffer): boolean {
    this.bytesOut += chunk.length;
    const stream = this.stream;
    if (stream.destroyed || stream.writableEnded) return true;
    return stream.write(chunk);
  }

  onResponseFlush(): void {}

  onResponseEnd(): void {
    this.exchange = null;
    this.finish();
    const stream = this.stream;
    if (!stream.destroyed && !stream.writableEnded && stream.headersSent) stream.end();
  }

  onUpstreamFailure(status: number, code: string, detail: string): void {
    const c = this.ctx;
    logUpstreamError(c.log, c.info, status, c.upstreamName, code, detail, this.method, this.path);
    this.exchange = null;
    this.status = status;
    this.respondError(status);
  }

  onUpstreamAbort(code: string, detail: string): void {
    const c = this.ctx;
    logUpstreamError(c.log, c.info, this.status, c.upstreamName, code, detail, this.method, this.path);
    this.exchange = null;
    this.aborted = true;
    this.finish();
    if (!this.stream.destroyed) this.stream.close(NGHTTP2_INTERNAL_ERROR);
  }

  onRequestDrain(): void {
    this.readPaused = false;
    if (!this.stream.destroyed) this.stream.resume();
  }

  onUpgrade(_head: ResponseHead, conn: UpstreamConn): void {
    // Never requested over h2; a 101 is refused by the response decoder before it gets here.
    conn.pool.discard(conn);
  }
}

/** Response fields for h2: lower-case names, connection-specific fields removed. */
const responseHeaders = (head: ResponseHead): http2.OutgoingHttpHeaders => {
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
