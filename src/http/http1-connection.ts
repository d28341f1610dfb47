// One HTTP/1.1 client connection (already decrypted): requests are decoded strictly, answered by a
// local handler or forwarded through the upstream pool, one at a time in order. The connection is
// a small state machine driven by socket events; nothing in it throws. Its state and common steps
// are in h1-state.ts, its timer in h1-timers.ts, its response path in h1-response.ts.

import { Buffer } from 'node:buffer';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { logRejected } from './access-log.ts';
import { Http1Response } from './h1-response.ts';
import { P } from './h1-state.ts';
import { buildUpstreamRequest } from './head-builder.ts';
import { E, type HeadError } from './head-errors.ts';
import { Body, latin1, type RequestHead } from './request-head.ts';
import { HeadLogFields } from './request-id-field.ts';
import { forwardTo, H1MatchInput, headRewriteOf, routeRequest } from './routes/index.ts';
import { bindSink, sinkFor } from './rules/compressing-sink.ts';
import { h1Facts } from './rules/request-facts.ts';
import { screenH1 } from './rules/screen.ts';
import { isMisdirected } from './site-choice.ts';
import { acceptsTrailers } from './trailers-h1.ts';
import {
  type ConnectionInfo,
  type Drainable,
  type HttpLogger,
  type HttpOptions,
  type HttpSiteRuntime,
  type LocalRequest,
  resolveHttpOptions,
  type SiteResolver,
} from './types.ts';
import { upgradeOffer } from './upgrade.ts';
import { openExchange } from './upstream-choice.ts';

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

/**
 * Serve HTTP/1.x on a decrypted socket; the socket belongs to the HTTP layer from now on. With a
 * SiteResolver, each request is served by the site of its Host (or answered 421).
 */
export const serveHttp1 = (
  socket: net.Socket,
  site: HttpSiteRuntime | SiteResolver,
  conn: ConnectionInfo,
  log: HttpLogger,
  opts?: Partial<HttpOptions>,
): Drainable => new Http1Connection(socket, site, conn, log, resolveHttpOptions(opts));

class Http1Connection extends Http1Response implements Drainable {
  private readonly logFields = new HeadLogFields();
  constructor(
    socket: net.Socket,
    site: HttpSiteRuntime | SiteResolver,
    info: ConnectionInfo,
    log: HttpLogger,
    opts: HttpOptions,
  ) {
    super(socket, site, info, log, opts);
    // No setNoDelay here: the listener accepted the socket with noDelay (server.ts, listener-pool.ts),
    // and a second setsockopt per connection is a syscall for nothing.
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    // Peers vanish mid-request all the time: 'close' follows and does the cleanup. A TLS error after
    // the handshake (a bogus record) leaves the TLSSocket open: nothing more can be read, so close.
    socket.on('error', () => {
      if (!socket.destroyed) socket.destroy();
    });
    socket.on('close', () => this.onClose());
    socket.on('drain', () => this.onDrain());
    socket.on('timeout', () => this.onTimeout());
    this.arm(this.tick);
    if (socket.destroyed) this.phase = P.closed;
  }

  /**
   * Finish and close (a reload or shutdown): the request in progress is answered with
   * `Connection: close`; an idle connection is closed once it has been idle for a moment, so a
   * request already on its way is answered rather than cut off.
   */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    if (this.phase === P.idle) this.closeIfIdle();
  }

  // --- client socket events ---

  private onData(chunk: Buffer): void {
    const phase = this.phase;
    if (phase === P.tunnel) {
      this.tunnel!.fromClient(chunk);
      return;
    }
    if (phase !== P.idle && phase !== P.active) return; // closing: read and discard
    if (phase === P.active) this.lastReadAt = performance.now();
    if (phase === P.idle && this.headStartedAt === 0) this.headStartedAt = performance.now();
    this.decoder.push(chunk);
    if (this.phase !== P.idle && this.phase !== P.active) return;
    if (this.readPaused) this.socket.pause();
    else if (this.decoder.halted && this.decoder.pendingBytes > this.opts.maxHeaderBytes) {
      // A pipelining client is ahead of us by more than a head: stop reading until we catch up.
      this.socket.pause();
    } else if (
      this.phase === P.idle &&
      this.decoder.inHead &&
      performance.now() - this.headStartedAt > this.opts.headersTimeoutMs
    ) {
      this.headTimedOut();
    }
  }

  private onEnd(): void {
    if (this.phase === P.tunnel) this.tunnel!.clientEnd();
    else if (this.phase === P.active && !this.requestDone) this.abortRequest();
  }

  private onClose(): void {
    const phase = this.phase;
    this.phase = P.closed;
    this.decoder.destroy();
    if (phase === P.tunnel) this.tunnel!.clientClose();
    else if (phase === P.active) {
      this.exchange?.abort();
      this.exchange = null;
      this.logAccess(this.responseStarted ? this.status : 499);
    }
  }

  private onDrain(): void {
    this.stall.reset();
    if (this.phase === P.tunnel) this.tunnel!.clientDrain();
    else this.exchange?.resumeResponse();
  }

  // --- request decoder events ---

  onRequestHead(head: RequestHead): void {
    const maxBody = this.opts.maxBodyBytes;
    if (maxBody > 0 && head.body === Body.length && head.contentLength > maxBody) {
      this.reject(E.bodyTooLarge);
      return;
    }
    this.phase = P.active;
    this.lastReadAt = performance.now();
    this.headStartedAt = 0;
    this.startedAt = performance.now();
    this.method = head.method;
    this.path = head.target();
    this.host = head.host() ?? null;
    this.logFields.read(head, this.opts.requestIdHeader);
    this.userAgent = this.logFields.userAgent;
    this.requestId = this.logFields.requestId;
    this.firstByteAt = 0;
    this.connectMs = null;
    this.teTrailers = acceptsTrailers(head);
    this.status = 0;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.v10 = head.version === '1.0';
    this.isHead = head.isHead;
    this.keepAlive = head.keepAlive;
    this.html = head.acceptsHtml;
    this.requestDone = false;
    this.responseStarted = false;
    this.chunkedOut = false;
    this.closeAfter = false;
    this.note = null;
    this.filterNote = null;
    this.misdirected = false;
    this.offered = '';
    this.attempt = null;

    // The site for this request's host (RFC 9113 §9.1.1: a connection may carry any name its
    // certificate covers); a request without Host (HTTP/1.0) is the connection's own site's.
    const choice =
      head.hostStart < 0 ? this.sites.own : this.sites.forBytes(head.buf, head.hostStart, head.hostEnd);
    if (isMisdirected(choice)) {
      this.misdirected = true;
      this.note = { reason: choice.misdirected };
      this.filters = this.ownBinding.filters;
      // Answered once the request is read; one with a body is answered now and the connection closed.
      if (head.body !== Body.none) this.respondMisdirected();
      return;
    }
    this.use(choice === this.sites.own ? this.ownBinding : this.bindingFor(choice));
    let denied = false;
    if (this.filters !== null) {
      const refused = screenH1(this.filters, head, this.info, this.log, this.html);
      if (refused !== null) {
        if ('reason' in refused) {
          this.reject(refused);
          return;
        }
        this.filterNote = refused.note;
        // Answered like a local handler's response, once the request (and its body) is read.
        if (refused.deny !== null) {
          this.handler = refused.deny;
          this.upstreamName = 'local';
          denied = true;
        }
      }
    }
    // Step 3, routes: a local answer, or a server of a pool; a site without routes skips it.
    if (this.routes !== null && !denied) this.takeRoute(head);

    if (this.handler !== null) {
      this.local = toLocalRequest(head);
      if (head.expectContinue && head.body !== Body.none) this.socket.write(CONTINUE);
      return;
    }
    // An upgrade with a request body would need the body framed before the switch: not worth it.
    if (head.upgrade && head.body !== Body.none) head.upgrade = false;
    if (head.upgrade) {
      const offer = upgradeOffer(head, this.upgrades);
      if (offer.allowed) this.offered = offer.protocols;
      else {
        // Not on the allowlist: forwarded as a plain request (Upgrade and Connection dropped).
        head.upgrade = false;
        this.note = { upgrade_refused: offer.protocols };
      }
    }
    const idHeader = this.opts.requestIdHeader;
    const idLine = this.logFields.line;
    const out = buildUpstreamRequest(
      head,
      this.fwd!,
      this.rewrite,
      idHeader === false || idLine === null ? null : { name: idHeader, line: idLine },
    );
    const sink = head.upgrade
      ? this
      : sinkFor(
          this,
          this.filters?.compression ?? null,
          head.method,
          () => h1Facts(head, this.info).header('accept-encoding'),
          () => this.phase === P.active,
        );
    const ex = openExchange(
      this.pool!,
      sink,
      out,
      head.body,
      head.method,
      head.upgrade,
      this.attempt,
      this.timeouts,
    );
    bindSink(sink, () => ex.resumeResponse());
    this.exchange = ex;
    ex.start();
  }

  /** The route that takes this request, and what the exchange (or local answer) needs from it. */
  private takeRoute(head: RequestHead): void {
    const input = new H1MatchInput(head, this.path, this.info.serverName);
    const r = routeRequest(this.routes!, input, this.info, this.log);
    if (r === null) return; // no route matched: the site's own upstream
    if (r.local !== null) {
      this.handler = r.local;
      this.upstreamName = r.upstream;
      return;
    }
    const conns = r.attempt.server.conns;
    this.handler = null;
    this.attempt = r.attempt;
    this.pool = conns;
    this.fwd = forwardTo(conns, this.parts, this.opts.trustForwarded, this.opts.via);
    this.rewrite = headRewriteOf(r.route, input.query === '' ? input.path : `${input.path}?${input.query}`);
    this.timeouts = r.route.timeouts;
  }

  onRequestBody(chunk: Buffer): void {
    if (this.phase !== P.active) return;
    this.bytesIn += chunk.length;
    const maxBody = this.maxBody;
    if (maxBody > 0 && this.bytesIn > maxBody) {
      // Only a chunked body gets here (a content-length above the limit was refused up front).
      this.onRequestError(E.bodyTooLarge);
      return;
    }
    if (this.exchange !== null && !this.exchange.writeBody(chunk)) this.readPaused = true;
  }

  onRequestEnd(): void {
    this.requestDone = true;
    if (this.misdirected) this.respondMisdirected();
    else if (this.local !== null) this.respondLocal(this.local);
    else this.exchange?.endBody();
  }

  onRequestError(err: HeadError): void {
    if (this.phase === P.active) {
      // Broken framing inside a body: the upstream has seen part of it, so it is cut too.
      logRejected(this.log, this.info, err.status, err.reason);
      this.exchange?.abort();
      this.exchange = null;
      if (this.responseStarted) {
        this.logAccess(this.status);
        this.phase = P.closing;
        this.socket.destroy();
        return;
      }
      this.logAccess(err.status);
      this.phase = P.idle;
      this.sendErrorAndClose(err.status);
      return;
    }
    this.reject(err);
  }
}

const toLocalRequest = (head: RequestHead): LocalRequest => {
  const f = head.fields;
  const headers: (readonly [string, string])[] = [];
  for (let i = 0; i < f.count; i++) {
    headers.push([
      latin1(head.buf, f.nameStart(i), f.nameEnd(i)).toLowerCase(),
      latin1(head.buf, f.valueStart(i), f.valueEnd(i)),
    ]);
  }
  return { method: head.method, target: head.target(), headers, httpVersion: head.version };
};
