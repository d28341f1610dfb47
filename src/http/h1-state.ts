// The state of one HTTP/1.1 client connection and the steps every other part of it takes: finish
// a request, log it, refuse, close. The connection is layered: Http1State (here) < Http1Timers
// (h1-timers.ts: which bound ran out in which state) < Http1Response (h1-response.ts: writing the
// response) < Http1Connection (http1-connection.ts: socket and request events). One object per
// connection, plain methods: no closure or allocation per request.

import type { Buffer } from 'node:buffer';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { SiteRequestMetrics } from '../observe/index.ts';
import { accessNote, logAccess, logRejected } from './access-log.ts';
import { errorResponse } from './error-page.ts';
import { type ForwardedParts, forwardedParts } from './forwarded.ts';
import { bindSite, type SiteBinding, SiteBindings } from './h1-site-binding.ts';
import type { ForwardContext, HeadRewrite } from './head-builder.ts';
import type { HeadError } from './head-errors.ts';
import { RequestDecoder, type RequestHandler } from './message-decoder.ts';
import type { PoolAttempt } from './pools/index.ts';
import type { RequestHead } from './request-head.ts';
import type { RouteTable } from './routes/index.ts';
import type { SiteFilters } from './rules/filters.ts';
import { editH1Head } from './rules/header-edits.ts';
import { SiteChoice } from './site-choice.ts';
import { SendStall } from './timeouts.ts';
import type { Tunnel } from './tunnel.ts';
import type {
  ConnectionInfo,
  HttpLogger,
  HttpOptions,
  HttpSiteRuntime,
  LocalHandler,
  LocalRequest,
  SiteResolver,
} from './types.ts';
import type { AnyPool, UpstreamExchange } from './upstream-choice.ts';
import type { ExchangeTimeouts } from './upstream-exchange.ts';

export const P = { idle: 0, active: 1, tunnel: 2, closing: 3, closed: 4 } as const;
export type Phase = (typeof P)[keyof typeof P];

/** How long a closing connection may linger (reading and discarding) before it is destroyed. */
const CLOSE_GRACE_MS = 5000;

export abstract class Http1State implements RequestHandler {
  protected readonly socket: net.Socket;
  protected readonly info: ConnectionInfo;
  protected readonly log: HttpLogger;
  protected readonly opts: HttpOptions;
  // The site serving the request in progress (the connection's own unless its Host says otherwise).
  protected pool: AnyPool | null;
  protected handler: LocalHandler | null;
  protected upstreamName: string;
  protected fwd: ForwardContext | null;
  protected upgrades: readonly string[];
  protected metrics: SiteRequestMetrics | null;
  protected routes: RouteTable | null;
  /** A routed request's pool attempts, rewrite and bounds (null: the site's upstream, as before). */
  protected attempt: PoolAttempt | null = null;
  protected rewrite: HeadRewrite | null = null;
  protected timeouts: ExchangeTimeouts | null = null;
  protected readonly sites: SiteChoice;
  protected readonly ownBinding: SiteBinding;
  /** Other sites' bindings, made on first use (coalesced connections only). */
  protected bindings: SiteBindings | null = null;
  /** Extra members of the request's log line (421 reason, upgrade); null on the usual path. */
  protected note: Readonly<Record<string, string>> | null = null;
  /** The filters' members of the log line (tags, the deny rule); null on the usual path. */
  protected filterNote: Readonly<Record<string, string | readonly string[]>> | null = null;
  /** The serving site's filters (rules, header edits, HSTS, limits). */
  protected filters: SiteFilters | null;
  /** max_body for the request in progress: the listener's, or the site's narrower one. */
  protected maxBody: number;
  protected misdirected = false;
  /** The allowed Upgrade protocols of the request in progress, for the 101's log line. */
  protected offered = '';
  protected readonly decoder: RequestDecoder;
  protected readonly tick: number;
  protected phase: Phase = P.idle;
  protected exchange: UpstreamExchange | null = null;
  protected tunnel: Tunnel | null = null;
  protected headStartedAt = 0;
  protected idleSince = performance.now();
  /** Last read of a request body (the body timeout runs from here). */
  protected lastReadAt = 0;
  protected readonly stall = new SendStall();
  /** The inactivity timer's current period: when it fires, the socket has been still this long. */
  protected timerMs = 0;
  // The request in progress.
  protected startedAt = 0;
  protected method = '';
  protected path = '';
  protected host: string | null = null;
  protected userAgent: string | null = null;
  protected requestId = '';
  /** The upstream connect time of the request in progress (read at its response head). */
  protected connectMs: number | null = null;
  /** When the first response byte was written (0: not yet). */
  protected firstByteAt = 0;
  /** Requests answered on this connection (the first one's line carries the handshake time). */
  protected served = 0;
  protected status = 0;
  protected bytesIn = 0;
  protected bytesOut = 0;
  protected v10 = false;
  protected isHead = false;
  protected keepAlive = true;
  protected html = false;
  protected requestDone = false;
  protected responseStarted = false;
  protected chunkedOut = false;
  protected closeAfter = false;
  protected draining = false;
  protected readPaused = false;
  protected corked = false;
  protected local: LocalRequest | null = null;

  protected constructor(
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
    this.metrics = own.metrics;
    this.routes = own.routes;
    this.filters = own.filters;
    this.maxBody = opts.maxBodyBytes;
    this.decoder = new RequestDecoder(this, opts.maxHeaderBytes, opts.maxHeaderFields);
    // One inactivity timer for every state; each check (h1-timers.ts) measures its own bound from it.
    this.tick = Math.max(
      1,
      Math.min(opts.headersTimeoutMs, opts.keepAliveTimeoutMs, opts.bodyTimeoutMs, opts.sendTimeoutMs),
    );
  }

  abstract onRequestHead(head: RequestHead): void;
  abstract onRequestBody(chunk: Buffer): void;
  abstract onRequestEnd(): void;
  abstract onRequestError(err: HeadError): void;

  protected arm(ms: number): void {
    this.timerMs = ms;
    this.socket.setTimeout(ms);
  }

  private partsMemo: ForwardedParts | null = null;

  /** The forwarding fields of this connection (routed requests; made once). */
  protected get parts(): ForwardedParts {
    this.partsMemo ??= this.fwd?.parts ?? forwardedParts(this.info.clientAddress, this.info.clientCertLines);
    return this.partsMemo;
  }

  protected use(b: SiteBinding): void {
    this.handler = b.handler;
    this.pool = b.pool;
    this.upstreamName = b.upstreamName;
    this.fwd = b.fwd;
    this.upgrades = b.upgrades;
    this.metrics = b.metrics;
    this.routes = b.routes;
    this.attempt = null;
    this.rewrite = null;
    this.timeouts = null;
    this.filters = b.filters;
    const siteMax = b.filters?.limits?.maxBody ?? 0;
    this.maxBody = siteMax > 0 ? siteMax : this.opts.maxBodyBytes;
  }

  /** tlsterm's error page, with the serving site's response edits and HSTS. */
  protected errorOut(status: number, html: boolean, close: boolean, headOnly = false): Buffer {
    const out = errorResponse(status, html, close, headOnly);
    const edits = this.filters?.response ?? null;
    return edits === null ? out : editH1Head(out, edits);
  }

  protected bindingFor(site: HttpSiteRuntime): SiteBinding {
    this.bindings ??= new SiteBindings(this.info, this.opts);
    return this.bindings.for(site);
  }

  protected write(buf: Buffer): void {
    if (this.firstByteAt === 0) this.firstByteAt = performance.now();
    this.socket.write(buf);
  }

  /** The request/response pair is complete: log it and go on with the next one (or close). */
  protected finish(): void {
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

  protected abortRequest(): void {
    this.exchange?.abort();
    this.exchange = null;
    this.logAccess(this.responseStarted ? this.status : 499);
    this.phase = P.closing;
    this.decoder.destroy();
    this.socket.destroy();
  }

  protected logAccess(status: number): void {
    this.metrics?.request(status);
    const a = this.attempt;
    logAccess(this.log, this.info, {
      method: this.method,
      uri: this.path,
      host: this.host,
      userAgent: this.userAgent,
      requestId: this.requestId,
      status,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      startedAt: this.startedAt,
      firstByteAt: this.firstByteAt,
      connectMs: this.exchange?.connectMs ?? this.connectMs,
      upstream: a === null ? this.upstreamName : a.origin,
      first: this.served++ === 0,
      note: accessNote(this.filterNote, this.note, a),
    });
  }

  /** A request that never became one (bad head, timeout): short error, then close. */
  protected reject(err: HeadError): void {
    logRejected(this.log, this.info, err.status, err.reason);
    // Before a request has a site, the connection's own site's response edits (HSTS) apply.
    if (this.phase !== P.active) this.filters = this.ownBinding.filters;
    this.sendErrorAndClose(err.status);
  }

  protected sendErrorAndClose(status: number): void {
    this.write(this.errorOut(status, false, true));
    this.close();
  }

  /**
   * End our side. Reading goes on (and is discarded) so that unread request bytes do not turn our
   * FIN into a RST that could destroy the response before the client reads it.
   */
  protected close(): void {
    if (this.phase === P.closed) return;
    this.phase = P.closing;
    this.decoder.destroy();
    if (this.socket.isPaused()) this.socket.resume();
    this.socket.end();
    this.arm(Math.min(this.tick, CLOSE_GRACE_MS));
  }
}
