// One h2 stream: its request (parsed by h2-request.ts) becomes one HTTP/1.1 exchange with the
// upstream pool or a local handler's answer; the response is streamed back respecting h2 flow
// control. The session's watch checks its timers.

import type { Buffer } from 'node:buffer';
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { SiteRequestMetrics } from '../observe/index.ts';
import { accessNote, firstRequestOf, logAccess, logRejected, logUpstreamError } from './access-log.ts';
import { errorBody } from './error-page.ts';
import { CONNECT_REFUSED, type H2RequestSite, parseH2Request } from './h2-request.ts';
import { responseFieldList, responseHeaders } from './h2-response-fields.ts';
import type { SessionWatch, Watched } from './h2-watch.ts';
import { E } from './head-errors.ts';
import { localResponseH2, runHandler } from './local-response.ts';
import type { PoolAttempt } from './pools/index.ts';
import { ResBody, type ResponseHead } from './response-head.ts';
import { H2MatchInput, type RouteTable, rewriteOf, routeRequest } from './routes/index.ts';
import { bindSink, sinkFor } from './rules/compressing-sink.ts';
import type { SiteFilters } from './rules/filters.ts';
import { editH2Headers } from './rules/header-edits.ts';
import { h2Facts } from './rules/request-facts.ts';
import { screenH2 } from './rules/screen.ts';
import { logTimeout, SendStall, type TimeoutKind } from './timeouts.ts';
import type { ConnectionInfo, HttpLogger, LocalHandler, Misdirected } from './types.ts';
import { type AnyPool, openExchange, type UpstreamExchange } from './upstream-choice.ts';
import type { ResponseSink } from './upstream-exchange.ts';
import type { UpstreamConn } from './upstream-pool.ts';

const { NGHTTP2_INTERNAL_ERROR, NGHTTP2_CANCEL, NGHTTP2_PROTOCOL_ERROR } = http2.constants;

/** A site as served on one h2 session. */
export interface H2Context extends H2RequestSite {
  readonly info: ConnectionInfo;
  readonly log: HttpLogger;
  readonly pool: AnyPool | null;
  readonly handler: LocalHandler | null;
  readonly upstreamName: string;
  readonly metrics: SiteRequestMetrics | null;
  /** The site's routes; null for a site without. */
  readonly routes: RouteTable | null;
  /** Rules, header edits, HSTS and limits of the site (http/rules). */
  readonly filters: SiteFilters | null;
  /** The open streams and their timers (h2_idle runs only when there is none). */
  readonly watch: SessionWatch;
  /** The context of the site serving a request's host (the connection's own, another, or 421). */
  readonly route: (host: string) => H2Context | Misdirected;
}

export class H2Stream implements ResponseSink, Watched {
  private ctx: H2Context;
  private readonly stream: http2.ServerHttp2Stream;
  private readonly raw: string[];
  private exchange: UpstreamExchange | null = null;
  /** An HTTP/2 app's response trailers (gRPC status), sent when the response ends. */
  private trailers: http2.OutgoingHttpHeaders | null = null;
  private readonly startedAt = performance.now();
  // The H2RequestFacts, written by parseH2Request.
  method = '';
  path = '';
  userAgent: string | null = null;
  requestId = '';
  /** The upstream connect time (read at the response head). */
  private connectMs: number | null = null;
  /** When the response head went out (0: not yet). */
  private firstByteAt = 0;
  private status = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  html = false;
  isHead = false;
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
  /** The effective host (:authority or Host). */
  host = '';
  /** Extra members of the log line (a 421's reason). */
  private note: Readonly<Record<string, string>> | null = null;
  /** A routed request: its pool attempts (the log names the server), or the local answer's name. */
  private attempt: PoolAttempt | null = null;
  private routedName: string | null = null;
  /** The filters' members of the log line (tags, the deny rule). */
  private filterNote: Readonly<Record<string, string | readonly string[]>> | null = null;
  /** This stream's site answers it locally (a deny rule); the upstream name logged is "local". */
  private local = false;

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
    let req = parseH2Request(this.raw, this.ctx, stream.endAfterHeaders, this);
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
        req = parseH2Request(this.raw, this.ctx, stream.endAfterHeaders, this); // again: Via handling is the serving site's
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
    const siteMax = ctx.filters?.limits?.maxBody ?? 0;
    const maxBody = siteMax > 0 ? siteMax : ctx.opts.maxBodyBytes;
    if (maxBody > 0 && req.length > maxBody) {
      logRejected(ctx.log, ctx.info, E.bodyTooLarge.status, E.bodyTooLarge.reason);
      this.status = E.bodyTooLarge.status;
      this.respondError(E.bodyTooLarge.status);
      return;
    }
    if (ctx.filters !== null) {
      const s = screenH2(
        ctx.filters,
        this.method,
        this.path,
        this.raw,
        req.length,
        ctx.info,
        ctx.log,
        this.html,
      );
      if (s !== null && 'reason' in s) {
        logRejected(ctx.log, ctx.info, s.status, s.reason);
        this.status = s.status;
        this.respondError(s.status);
        return;
      }
      if (s !== null) {
        this.filterNote = s.note;
        if (s.deny !== null) {
          this.local = true;
          this.serveLocal(s.deny);
          return;
        }
      }
    }
    // Step 3, routes: a local answer, or a server of a pool; a site without routes skips it.
    let pool = ctx.pool;
    let timeouts = null;
    if (ctx.routes !== null) {
      const r = routeRequest(
        ctx.routes,
        new H2MatchInput(this.raw, this.method, this.host, this.path),
        ctx.info,
        ctx.log,
      );
      if (r !== null && r.local !== null) {
        this.routedName = r.upstream;
        this.serveLocal(r.local);
        return;
      }
      if (r !== null) {
        this.attempt = r.attempt;
        pool = r.attempt.server.conns;
        timeouts = r.route.timeouts;
        const rw = rewriteOf(r.route, this.path);
        if (rw !== null) req = parseH2Request(this.raw, ctx, stream.endAfterHeaders, this, rw) as typeof req;
      }
    }
    if (pool === null && ctx.handler !== null) {
      this.serveLocal(ctx.handler);
      return;
    }
    const sink = sinkFor(
      this,
      ctx.filters?.compression ?? null,
      this.method,
      () => h2Facts(this.method, this.path, this.raw, ctx.info).header('accept-encoding'),
      () => !this.finished && !this.stream.destroyed,
    );
    const ex = openExchange(pool!, sink, req.head, req.body, this.method, false, this.attempt, timeouts);
    bindSink(sink, () => ex.resumeResponse());
    this.exchange = ex;
    // A request whose HEADERS ended the stream has no body to relay (node:http2 drains the
    // readable side itself): no per-stream body listeners.
    if (!stream.endAfterHeaders) this.relayBody(ex, maxBody);
    stream.on('drain', () => ex.resumeResponse());
    // With trailers awaited, ending the stream does not send END_STREAM by itself: a cut response
    // (aborted) then ends with RST_STREAM alone, so the client cannot take it for a whole one.
    stream.on('wantTrailers', () => {
      if (!this.aborted) stream.sendTrailers(this.trailers ?? {});
    });
    ex.start();
  }

  /** The request body, read from the stream and written to the exchange (paused while it is full). */
  private relayBody(ex: UpstreamExchange, maxBody: number): void {
    const stream = this.stream;
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
      if (this.ctx.filters?.response) editH2Headers(out.headers, this.ctx.filters.response);
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
    c.metrics?.request(status);
    const a = this.attempt;
    logAccess(c.log, c.info, {
      method: this.method,
      uri: this.path,
      host: this.host === '' ? null : this.host,
      userAgent: this.userAgent,
      requestId: this.requestId,
      status,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      startedAt: this.startedAt,
      firstByteAt: this.stream.headersSent && this.firstByteAt === 0 ? performance.now() : this.firstByteAt,
      connectMs: this.exchange?.connectMs ?? this.connectMs,
      upstream:
        a !== null
          ? a.origin
          : this.note !== null
            ? 'none'
            : this.local
              ? 'local'
              : (this.routedName ?? c.upstreamName),
      first: firstRequestOf(c.info),
      note: accessNote(this.filterNote, this.note, a),
    });
  }

  /** An error page; with `reset`, the stream then ends with RST_STREAM(reset) instead of END_STREAM. */
  private respondError(status: number, reset?: number): void {
    const stream = this.stream;
    this.finish();
    if (stream.destroyed || stream.headersSent) return;
    const b = errorBody(status, this.html);
    const headers: Record<string, string | number> = {
      ':status': status,
      'content-type': b.contentType,
      'content-length': b.body.length,
      'cache-control': 'no-store',
    };
    // A 421's site is the connection's own (ctx is not moved for it): its HSTS applies.
    if (this.ctx.filters?.response) editH2Headers(headers, this.ctx.filters.response);
    try {
      if (reset !== undefined) stream.once('wantTrailers', () => stream.close(reset));
      stream.respond(headers, reset !== undefined ? { waitForTrailers: true } : { endStream: this.isHead });
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
    this.connectMs = this.exchange?.connectMs ?? null;
    if (stream.destroyed) return;
    try {
      const endStream = head.body === ResBody.none;
      this.firstByteAt = performance.now();
      const fields = responseFieldList(head, this.ctx.filters?.response ?? null);
      stream.respond(fields, { endStream, waitForTrailers: !endStream });
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

  onUpstreamFailure(status: number, code: string, detail: string, answer?: ResponseHead): void {
    const c = this.ctx;
    c.metrics?.upstreamError(code);
    logUpstreamError(
      c.log,
      c.info,
      status,
      this.attempt?.origin ?? c.upstreamName,
      code,
      detail,
      this.method,
      this.path,
    );
    this.exchange = null;
    if (answer !== undefined) {
      // A gRPC call: its status in a trailers-only response (HTTP 200), as the client expects.
      this.onResponseHead(answer);
      this.onResponseEnd();
      return;
    }
    this.status = status;
    this.respondError(status);
  }

  /** Trailer fields from an HTTP/2 app (upstream-h2/), sent at the end of the response. */
  onResponseTrailers(trailers: http2.IncomingHttpHeaders): void {
    const out: http2.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(trailers))
      if (name.charCodeAt(0) !== 0x3a && value !== undefined) out[name] = value;
    this.trailers = out;
  }

  /** The HTTP/2 app reset the stream after its head: the client's stream is reset with that code. */
  onUpstreamReset(h2Code: number, detail: string): void {
    const c = this.ctx;
    logUpstreamError(
      c.log,
      c.info,
      this.status,
      c.upstreamName,
      'UPSTREAM_RESET',
      detail,
      this.method,
      this.path,
    );
    this.exchange = null;
    this.aborted = true;
    this.finish();
    if (!this.stream.destroyed) this.stream.close(h2Code);
  }

  onUpstreamAbort(code: string, detail: string): void {
    const c = this.ctx;
    c.metrics?.upstreamError(code);
    logUpstreamError(
      c.log,
      c.info,
      this.status,
      this.attempt?.origin ?? c.upstreamName,
      code,
      detail,
      this.method,
      this.path,
    );
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
