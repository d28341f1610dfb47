// One HTTP/1.1 client connection (already decrypted): requests are decoded strictly, answered by a
// local handler or forwarded through the upstream pool, one at a time in order. The connection is
// a small state machine driven by socket events; nothing in it throws.

import type net from 'node:net';
import { logRejected, logRequest, logUpstreamError } from './access-log.ts';
import { errorResponse } from './error-page.ts';
import { forwardedParts } from './forwarded.ts';
import { buildClientResponseHead, buildUpstreamRequest, Conn, type ForwardContext } from './head-builder.ts';
import { E, type HeadError } from './head-errors.ts';
import { localResponseH1, runHandler } from './local-response.ts';
import { RequestDecoder, type RequestHandler } from './message-decoder.ts';
import { Body, latin1, type RequestHead } from './request-head.ts';
import { ResBody, type ResponseHead } from './response-head.ts';
import { isMisdirected, SiteChoice } from './site-choice.ts';
import { logTimeout, SendStall, type TimeoutKind } from './timeouts.ts';
import { Tunnel } from './tunnel.ts';
import {
  type ConnectionInfo,
  type Drainable,
  type HttpLogger,
  type HttpOptions,
  type HttpSiteRuntime,
  type LocalHandler,
  type LocalRequest,
  resolveHttpOptions,
  type SiteResolver,
} from './types.ts';
import { DEFAULT_UPGRADES, upgradeOffer } from './upgrade.ts';
import { Exchange, type ResponseSink } from './upstream-exchange.ts';
import { type Pool, poolFor, type UpstreamConn } from './upstream-pool.ts';

const P = { idle: 0, active: 1, tunnel: 2, closing: 3, closed: 4 } as const;
type Phase = (typeof P)[keyof typeof P];

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
/** How long a closing connection may linger (reading and discarding) before it is destroyed. */
const CLOSE_GRACE_MS = 5000;

/** A connection has been idle this long before a drain closes it (a client about to reuse it gets its answer). */
const DRAIN_IDLE_MS = 1000;

/** What serving requests for one site takes on this connection. */
interface SiteBinding {
  readonly handler: LocalHandler | null;
  readonly pool: Pool | null;
  readonly upstreamName: string;
  readonly fwd: ForwardContext | null;
  readonly upgrades: readonly string[];
}

const bindSite = (site: HttpSiteRuntime, info: ConnectionInfo, opts: HttpOptions): SiteBinding => {
  const handler = site.handler ?? null;
  const pool = handler === null ? poolFor(site) : null;
  return {
    handler,
    pool,
    upstreamName: pool === null ? 'local' : pool.origin,
    fwd:
      pool === null
        ? null
        : {
            parts: forwardedParts(info.clientAddress, info.clientCertLines),
            trust: opts.trustForwarded,
            upstreamHost: pool.authority,
            via: opts.via && pool.upstream.via !== false,
          },
    upgrades: site.upgrade ?? DEFAULT_UPGRADES,
  };
};

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

class Http1Connection implements RequestHandler, ResponseSink, Drainable {
  private readonly socket: net.Socket;
  private readonly info: ConnectionInfo;
  private readonly log: HttpLogger;
  private readonly opts: HttpOptions;
  // The site serving the request in progress (the connection's own unless its Host says otherwise).
  private pool: Pool | null;
  private handler: LocalHandler | null;
  private upstreamName: string;
  private fwd: ForwardContext | null;
  private upgrades: readonly string[];
  private readonly sites: SiteChoice;
  private readonly ownBinding: SiteBinding;
  /** Other sites' bindings, made on first use (coalesced connections only). */
  private bindings: Map<HttpSiteRuntime, SiteBinding> | null = null;
  /** Extra members of the request's log line (421 reason, upgrade); null on the usual path. */
  private note: Readonly<Record<string, string>> | null = null;
  private misdirected = false;
  /** The allowed Upgrade protocols of the request in progress, for the 101's log line. */
  private offered = '';
  private readonly decoder: RequestDecoder;
  private readonly tick: number;
  private phase: Phase = P.idle;
  private exchange: Exchange | null = null;
  private tunnel: Tunnel | null = null;
  private headStartedAt = 0;
  private idleSince = performance.now();
  /** Last read of a request body (the body timeout runs from here). */
  private lastReadAt = 0;
  private readonly stall = new SendStall();
  /** The inactivity timer's current period: when it fires, the socket has been still this long. */
  private timerMs = 0;
  // The request in progress.
  private startedAt = 0;
  private method = '';
  private path = '';
  private status = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private v10 = false;
  private isHead = false;
  private keepAlive = true;
  private html = false;
  private requestDone = false;
  private responseStarted = false;
  private chunkedOut = false;
  private closeAfter = false;
  private draining = false;
  private readPaused = false;
  private corked = false;
  private local: LocalRequest | null = null;

  constructor(
    socket: net.Socket,
    site: HttpSiteRuntime | SiteResolver,
    info: ConnectionInfo,
    log: HttpLogger,
    opts: HttpOptions,
  ) {
    this.socket = socket;
    this.info = info;
    this.log = log;
    this.opts = opts;
    this.sites = new SiteChoice(site);
    const own = bindSite(this.sites.own, info, opts);
    this.ownBinding = own;
    this.handler = own.handler;
    this.pool = own.pool;
    this.upstreamName = own.upstreamName;
    this.fwd = own.fwd;
    this.upgrades = own.upgrades;
    this.decoder = new RequestDecoder(this, opts.maxHeaderBytes, opts.maxHeaderFields);
    // One inactivity timer for every state; each check below measures its own bound from it.
    this.tick = Math.max(
      1,
      Math.min(opts.headersTimeoutMs, opts.keepAliveTimeoutMs, opts.bodyTimeoutMs, opts.sendTimeoutMs),
    );
    socket.setNoDelay?.(true);
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

  private closeIfIdle(): void {
    if (this.decoder.inHead) return; // a request is arriving: it will be answered, then closed
    const idleMs = performance.now() - this.idleSince;
    if (idleMs >= DRAIN_IDLE_MS) this.close();
    else this.arm(Math.ceil(DRAIN_IDLE_MS - idleMs));
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

  private onTimeout(): void {
    const now = performance.now();
    const phase = this.phase;
    if (
      (phase === P.idle || phase === P.active) &&
      this.stall.stuck(now, this.socket.writableLength, this.timerMs, this.opts.sendTimeoutMs)
    ) {
      this.timedOut('send', this.opts.sendTimeoutMs);
      return;
    }
    switch (phase) {
      case P.closing:
        this.socket.destroy();
        return;
      case P.tunnel:
        this.timedOut('tunnel_idle', this.opts.tunnelIdleTimeoutMs);
        return;
      case P.active:
        if (!this.requestDone && !this.readPaused && now - this.lastReadAt >= this.opts.bodyTimeoutMs) {
          this.timedOut('body', this.opts.bodyTimeoutMs);
          return;
        }
        // Waiting for the upstream: its response timeout runs on the upstream socket.
        this.arm(this.tick);
        return;
      case P.idle:
        if (this.decoder.inHead) {
          if (now - this.headStartedAt >= this.opts.headersTimeoutMs) {
            this.headTimedOut();
            return;
          }
        } else if (now - this.idleSince >= this.opts.keepAliveTimeoutMs) {
          logTimeout(this.log, this.info, 'keepalive', this.opts.keepAliveTimeoutMs, null, null);
          this.close();
          return;
        } else if (this.draining) {
          this.closeIfIdle();
          return;
        }
        this.arm(this.tick);
        return;
      default:
    }
  }

  private headTimedOut(): void {
    logTimeout(this.log, this.info, 'header', this.opts.headersTimeoutMs, null, null);
    this.reject({ status: 408, reason: 'request head timeout' });
  }

  /**
   * A bound ran out. A body that stopped arriving gets its 408 if no response has started; in every
   * other case the client is cut (what we would send cannot get through) and so is the upstream
   * connection, whose state is unknown: it never goes back to the pool.
   */
  private timedOut(kind: TimeoutKind, limitMs: number): void {
    const active = this.phase === P.active;
    logTimeout(this.log, this.info, kind, limitMs, active ? this.method : null, active ? this.path : null);
    if (kind === 'tunnel_idle') {
      this.socket.destroy(); // onClose, still in the tunnel phase, closes the upstream side
      return;
    }
    this.exchange?.abort();
    this.exchange = null;
    if (active && kind === 'body' && !this.responseStarted) {
      this.logAccess(408);
      this.phase = P.idle;
      this.sendErrorAndClose(408);
      return;
    }
    if (active) this.logAccess(this.responseStarted ? this.status : 408);
    this.phase = P.closing;
    this.decoder.destroy();
    this.socket.destroy();
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
    this.misdirected = false;
    this.offered = '';

    // The site for this request's host (RFC 9113 §9.1.1: a connection may carry any name its
    // certificate covers); a request without Host (HTTP/1.0) is the connection's own site's.
    const choice =
      head.hostStart < 0 ? this.sites.own : this.sites.forBytes(head.buf, head.hostStart, head.hostEnd);
    if (isMisdirected(choice)) {
      this.misdirected = true;
      this.note = { reason: choice.misdirected };
      // Answered once the request is read; one with a body is answered now and the connection closed.
      if (head.body !== Body.none) this.respondMisdirected();
      return;
    }
    this.use(choice === this.sites.own ? this.ownBinding : this.bindingFor(choice));

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
    const out = buildUpstreamRequest(head, this.fwd!);
    this.exchange = new Exchange(this.pool!, this, out, head.body, head.method, head.upgrade);
    this.exchange.start();
  }

  onRequestBody(chunk: Buffer): void {
    if (this.phase !== P.active) return;
    this.bytesIn += chunk.length;
    const maxBody = this.opts.maxBodyBytes;
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

  // --- upstream response events (ResponseSink) ---

  onInterim(head: ResponseHead): void {
    // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client.
    if (!this.v10) this.write(buildClientResponseHead(head, false, Conn.none));
  }

  onResponseHead(head: ResponseHead): void {
    this.status = head.status;
    this.responseStarted = true;
    let chunked = false;
    let close = !this.keepAlive || !this.requestDone || this.draining;
    if (head.body === ResBody.chunked || head.body === ResBody.close) {
      // Re-chunked for 1.1 clients (so even a close-delimited upstream body keeps the client
      // connection alive); an HTTP/1.0 client can only get a close-delimited body.
      if (this.v10) close = true;
      else chunked = true;
    }
    this.chunkedOut = chunked;
    this.closeAfter = close;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
    }
    this.write(
      buildClientResponseHead(head, chunked, close ? Conn.close : this.v10 ? Conn.keepAlive : Conn.none),
    );
  }

  onResponseData(chunk: Buffer): boolean {
    this.bytesOut += chunk.length;
    const s = this.socket;
    if (!this.corked) {
      this.corked = true;
      s.cork();
    }
    if (!this.chunkedOut) return s.write(chunk);
    s.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    s.write(chunk);
    return s.write(CRLF);
  }

  onResponseFlush(): void {
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  }

  onResponseEnd(): void {
    if (this.chunkedOut) this.write(LAST_CHUNK);
    this.onResponseFlush();
    this.exchange = null;
    this.finish();
  }

  onUpstreamFailure(status: number, code: string, detail: string): void {
    logUpstreamError(this.log, this.info, status, this.upstreamName, code, detail, this.method, this.path);
    this.exchange = null;
    this.status = status;
    this.responseStarted = true;
    this.closeAfter = !this.keepAlive || !this.requestDone || this.draining;
    this.write(errorResponse(status, this.html, this.closeAfter, this.isHead));
    this.onResponseFlush();
    this.finish();
  }

  onUpstreamAbort(code: string, detail: string): void {
    logUpstreamError(
      this.log,
      this.info,
      this.status,
      this.upstreamName,
      code,
      detail,
      this.method,
      this.path,
    );
    this.exchange = null;
    this.logAccess(this.status);
    // A clean close would pass a truncated body off as complete: reset instead.
    this.phase = P.closing;
    this.decoder.destroy();
    this.socket.destroy();
  }

  onRequestDrain(): void {
    if (this.readPaused) {
      this.readPaused = false;
      if (this.phase === P.active) this.socket.resume();
    }
  }

  onUpgrade(head: ResponseHead, upstream: UpstreamConn, rest: Buffer | null): void {
    this.exchange = null;
    this.status = 101;
    this.responseStarted = true;
    this.onResponseFlush();
    if (this.phase !== P.active) {
      upstream.pool.discard(upstream);
      return;
    }
    this.write(buildClientResponseHead(head, false, Conn.upgrade));
    this.note = { upgrade: this.offered };
    this.logAccess(101);
    const clientRest = this.decoder.takeRest();
    this.phase = P.tunnel;
    const tunnel = new Tunnel(this.socket, upstream, this.opts.tunnelIdleTimeoutMs, () => {
      if (!this.socket.destroyed) this.socket.destroy();
    });
    this.tunnel = tunnel;
    if (rest !== null) tunnel.onUpstreamData(rest);
    if (clientRest !== null) tunnel.fromClient(clientRest);
    if (this.socket.isPaused() && !this.readPaused) this.socket.resume();
  }

  // --- helpers ---

  private arm(ms: number): void {
    this.timerMs = ms;
    this.socket.setTimeout(ms);
  }

  private use(b: SiteBinding): void {
    this.handler = b.handler;
    this.pool = b.pool;
    this.upstreamName = b.upstreamName;
    this.fwd = b.fwd;
    this.upgrades = b.upgrades;
  }

  private bindingFor(site: HttpSiteRuntime): SiteBinding {
    this.bindings ??= new Map();
    let b = this.bindings.get(site);
    if (b === undefined) {
      b = bindSite(site, this.info, this.opts);
      this.bindings.set(site, b);
    }
    return b;
  }

  /** 421: this connection must not serve the request's host; the client retries on a new one. */
  private respondMisdirected(): void {
    this.misdirected = false;
    this.upstreamName = 'none';
    this.status = 421;
    this.responseStarted = true;
    this.closeAfter = !this.keepAlive || !this.requestDone || this.draining;
    this.write(errorResponse(421, this.html, this.closeAfter, this.isHead));
    this.finish();
  }

  private write(buf: Buffer): void {
    this.socket.write(buf);
  }

  private respondLocal(req: LocalRequest): void {
    this.local = null;
    const res = runHandler(this.handler!, req, this.info, this.log);
    this.closeAfter = !this.keepAlive || this.draining;
    const out = localResponseH1(
      res,
      this.isHead,
      this.closeAfter ? Conn.close : this.v10 ? Conn.keepAlive : Conn.none,
    );
    this.status = res.status;
    this.responseStarted = true;
    this.bytesOut = typeof res.body === 'string' ? Buffer.byteLength(res.body) : res.body.byteLength;
    if (this.isHead) this.bytesOut = 0;
    this.write(out);
    this.finish();
  }

  /** The request/response pair is complete: log it and go on with the next one (or close). */
  private finish(): void {
    this.logAccess(this.status);
    this.phase = P.idle;
    this.local = null;
    if (this.closeAfter || !this.keepAlive) {
      this.close();
      return;
    }
    this.idleSince = performance.now();
    this.readPaused = false;
    if (this.socket.isPaused()) this.socket.resume();
    this.decoder.resume();
  }

  private abortRequest(): void {
    this.exchange?.abort();
    this.exchange = null;
    this.logAccess(this.responseStarted ? this.status : 499);
    this.phase = P.closing;
    this.decoder.destroy();
    this.socket.destroy();
  }

  private logAccess(status: number): void {
    logRequest(
      this.log,
      this.info,
      this.method,
      this.path,
      status,
      this.bytesIn,
      this.bytesOut,
      this.startedAt,
      this.upstreamName,
      this.note,
    );
  }

  /** A request that never became one (bad head, timeout): short error, then close. */
  private reject(err: HeadError): void {
    logRejected(this.log, this.info, err.status, err.reason);
    this.sendErrorAndClose(err.status);
  }

  private sendErrorAndClose(status: number): void {
    this.write(errorResponse(status, false, true));
    this.close();
  }

  /**
   * End our side. Reading goes on (and is discarded) so that unread request bytes do not turn our
   * FIN into a RST that could destroy the response before the client reads it.
   */
  private close(): void {
    if (this.phase === P.closed) return;
    this.phase = P.closing;
    this.decoder.destroy();
    if (this.socket.isPaused()) this.socket.resume();
    this.socket.end();
    this.arm(Math.min(this.tick, CLOSE_GRACE_MS));
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
