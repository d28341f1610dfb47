// One request/response exchange with the upstream, shared by the HTTP/1.1 and h2 fronts. The front
// hands over the finished request head (one Buffer) and streams the body in; the exchange picks a
// pooled connection (or opens one), parses the response strictly and streams it to the front's
// sink, with backpressure both ways.

import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import type { HeadError } from './head-errors.ts';
import type { ResponseHandler } from './message-decoder.ts';
import { Body, type BodyKind } from './request-head.ts';
import type { ResponseHead } from './response-head.ts';
import type { Pool, UpstreamConn, UpstreamOwner } from './upstream-pool.ts';
import { describeUpstreamTlsError } from './upstream-tls.ts';

/** What the front does with the upstream's answer. */
export interface ResponseSink {
  /** A 1xx other than 101 (forwarded; the final response follows). */
  onInterim(head: ResponseHead): void;
  onResponseHead(head: ResponseHead): void;
  /** Return false to stop the upstream until Exchange.resumeResponse(). */
  onResponseData(chunk: Buffer): boolean;
  /** One upstream read has been fully handed over (a good moment to uncork). */
  onResponseFlush(): void;
  onResponseEnd(): void;
  /**
   * The exchange failed before any response head was passed on: answer `status` (502/504), or
   * `answer` when given (a gRPC call's trailers-only status; the failure is logged as `status`).
   */
  onUpstreamFailure(status: number, code: string, detail: string, answer?: ResponseHead): void;
  /** The exchange failed after the head was passed on: the client side has to be cut. */
  onUpstreamAbort(code: string, detail: string): void;
  /** The request body may flow again (after writeBody returned false). */
  onRequestDrain(): void;
  /** The upstream switched protocols: `conn` now belongs to the sink (see Pool.detach). */
  onUpgrade(head: ResponseHead, conn: UpstreamConn, rest: Buffer | null): void;
}

/** A pool's several servers as one exchange sees them (pools/attempt.ts): retries elsewhere, health. */
export interface Attempts {
  /** The attempt on `pool` is over; `failure` (a code) when it failed (passive health). */
  end(pool: Pool, failure: string | null): void;
  /** Another server's connections for a retry after `failed` failed before any response byte. */
  next(failed: Pool, code: string): Pool | null;
}

/** Bounds of a routed exchange (the pool's, or a route's), over the server's own. */
export interface ExchangeTimeouts {
  readonly connectMs: number;
  /** Request sent → response head. */
  readonly responseMs: number;
  /** Between two reads of the response body. */
  readonly idleMs: number;
  /** The whole exchange; 0 = none. */
  readonly totalMs: number;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** Methods a request may be replayed for after a stale pooled connection failed (RFC 9110 §9.2.2). */
const idempotent = (method: string): boolean =>
  method === 'GET' ||
  method === 'HEAD' ||
  method === 'OPTIONS' ||
  method === 'PUT' ||
  method === 'DELETE' ||
  method === 'TRACE';

export class Exchange implements UpstreamOwner, ResponseHandler {
  private pool: Pool;
  private readonly sink: ResponseSink;
  private readonly head: Buffer;
  private readonly body: BodyKind;
  private readonly isHead: boolean;
  private readonly retryable: boolean;
  private readonly upgrade: boolean;
  private conn: UpstreamConn | null = null;
  /** Body pieces waiting for the connection to open. */
  private queue: Buffer[] | null = null;
  private bodySent = 0;
  private requestEnded: boolean;
  private headSeen = false;
  private keepAlive = false;
  private wantDrain = false;
  private pausedBySink = false;
  private retried = false;
  private readonly attempts: Attempts | null;
  private readonly timeouts: ExchangeTimeouts | null;
  private totalTimer: NodeJS.Timeout | null = null;
  /** Status of the response head passed on (5xx counts as a failure of the server). */
  private headStatus = 0;
  /** Over: completed, failed or aborted. Nothing is reported after this. */
  done = false;
  /** Time to connect to the upstream (TLS included), ms; 0 when a pooled connection was reused. */
  connectMs = 0;
  private openedAt = 0;

  constructor(
    pool: Pool,
    sink: ResponseSink,
    head: Buffer,
    body: BodyKind,
    method: string,
    upgrade: boolean,
    attempts: Attempts | null = null,
    timeouts: ExchangeTimeouts | null = null,
  ) {
    this.pool = pool;
    this.sink = sink;
    this.head = head;
    this.body = body;
    this.isHead = method === 'HEAD';
    this.retryable = idempotent(method);
    this.upgrade = upgrade;
    this.requestEnded = body === Body.none;
    this.attempts = attempts;
    this.timeouts = timeouts;
  }

  start(): void {
    const t = this.timeouts;
    if (t !== null && t.totalMs > 0) {
      this.totalTimer = setTimeout(() => this.totalExpired(), t.totalMs);
      this.totalTimer.unref();
    }
    this.attempt();
  }

  private attempt(): void {
    const idle = this.upgrade ? null : this.pool.acquire(this);
    if (idle !== null) {
      this.conn = idle;
      if (this.timeouts !== null) idle.socket.setTimeout(this.timeouts.responseMs);
      idle.decoder.expect(this, this.isHead, false);
      this.sendHead();
      return;
    }
    this.open();
  }

  private open(): void {
    this.openedAt = performance.now();
    const c = this.pool.connect(this);
    this.conn = c;
    if (this.timeouts !== null) c.socket.setTimeout(this.timeouts.connectMs);
    c.decoder.expect(this, this.isHead, this.upgrade);
  }

  /** Over, one way or another: the attempt is reported and the total bound stops. */
  private settle(failure: string | null): void {
    if (this.totalTimer !== null) {
      clearTimeout(this.totalTimer);
      this.totalTimer = null;
    }
    this.attempts?.end(this.pool, failure);
  }

  private totalExpired(): void {
    this.totalTimer = null;
    this.fail(
      504,
      'TOTAL_TIMEOUT',
      `no complete response from ${this.pool.origin} within ${this.timeouts!.totalMs} ms`,
    );
  }

  private sendHead(): void {
    const s = this.conn!.socket;
    const q = this.queue;
    if (q === null) {
      s.write(this.head);
    } else {
      this.queue = null;
      s.cork();
      s.write(this.head);
      for (const b of q) {
        this.bodySent += b.length;
        s.write(b);
      }
      s.uncork();
    }
    if (this.wantDrain && !s.writableNeedDrain) {
      this.wantDrain = false;
      this.sink.onRequestDrain();
    }
  }

  /** Forward a piece of request body. False means: pause the source until onRequestDrain. */
  writeBody(chunk: Buffer): boolean {
    if (this.done || chunk.length === 0) return true;
    const c = this.conn;
    const chunked = this.body === Body.chunked;
    if (c === null || c.connecting) {
      this.queue ??= [];
      const q = this.queue;
      if (chunked) q.push(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF);
      else q.push(chunk);
      this.wantDrain = true;
      return false;
    }
    const s = c.socket;
    this.bodySent += chunk.length;
    let ok: boolean;
    if (chunked) {
      // Re-framed rather than passed through: the upstream sees canonical chunking only.
      s.cork();
      s.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      s.write(chunk);
      ok = s.write(CRLF);
      s.uncork();
    } else {
      ok = s.write(chunk);
    }
    if (!ok) this.wantDrain = true;
    return ok;
  }

  /** The request body is complete. */
  endBody(): void {
    if (this.done || this.requestEnded) return;
    this.requestEnded = true;
    if (this.body !== Body.chunked) return;
    const c = this.conn;
    if (c === null || c.connecting) {
      this.queue ??= [];
      this.queue.push(LAST_CHUNK);
    } else {
      this.bodySent += LAST_CHUNK.length;
      c.socket.write(LAST_CHUNK);
    }
  }

  /** The sink can take response data again. */
  resumeResponse(): void {
    if (this.pausedBySink && this.conn !== null) {
      this.pausedBySink = false;
      this.conn.socket.resume();
    }
  }

  /** The client went away: drop the upstream connection (its state is unknown). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.settle(null);
    const c = this.conn;
    this.conn = null;
    if (c !== null) this.pool.discard(c);
  }

  // --- upstream socket events (UpstreamOwner) ---

  onUpstreamConnect(): void {
    this.connectMs = Math.round((performance.now() - this.openedAt) * 1000) / 1000;
    if (this.done) return;
    if (this.timeouts !== null) this.conn!.socket.setTimeout(this.timeouts.responseMs);
    this.sendHead();
  }

  onUpstreamData(chunk: Buffer): void {
    if (this.done) return;
    this.conn!.decoder.push(chunk);
    this.sink.onResponseFlush();
  }

  onUpstreamEnd(): void {
    if (this.done) return;
    const d = this.conn!.decoder;
    if (!d.started)
      this.lost('UPSTREAM_CLOSED', `connection closed by ${this.pool.origin} before a response`);
    else d.finish();
  }

  onUpstreamError(err: NodeJS.ErrnoException): void {
    if (this.done) return;
    const code = err.code ?? 'ERROR';
    this.lost(code, describe(code, this.pool, err.message));
  }

  onUpstreamClose(): void {
    if (this.done) return;
    this.lost('UPSTREAM_CLOSED', `connection closed by ${this.pool.origin}`);
  }

  onUpstreamDrain(): void {
    if (this.wantDrain && !this.done) {
      this.wantDrain = false;
      this.sink.onRequestDrain();
    }
  }

  onUpstreamTimeout(): void {
    if (this.done) return;
    const c = this.conn!;
    if (c.connecting) {
      this.fail(
        504,
        'CONNECT_TIMEOUT',
        `no connection to ${this.pool.origin} within ${this.timeouts?.connectMs ?? this.pool.upstream.connectTimeoutMs} ms`,
      );
    } else if (!this.pausedBySink) {
      // A paused socket is idle because the client is slow, not the upstream.
      const t = this.timeouts;
      const ms = t === null ? this.pool.upstream.responseTimeoutMs : this.headSeen ? t.idleMs : t.responseMs;
      this.fail(504, 'RESPONSE_TIMEOUT', `no response from ${this.pool.origin} within ${ms} ms`);
    }
  }

  // --- response decoder events (ResponseHandler) ---

  onInterim(head: ResponseHead): void {
    if (!this.done) this.sink.onInterim(head);
  }

  onResponseHead(head: ResponseHead): void {
    if (this.done) return;
    if (head.status === 101) {
      const c = this.conn!;
      const rest = c.decoder.takeRest();
      this.done = true;
      this.settle(null);
      this.conn = null;
      this.sink.onUpgrade(head, c, rest);
      return;
    }
    this.headSeen = true;
    this.headStatus = head.status;
    if (this.timeouts !== null) this.conn!.socket.setTimeout(this.timeouts.idleMs);
    this.keepAlive = head.keepAlive;
    this.sink.onResponseHead(head);
  }

  onResponseBody(chunk: Buffer): void {
    if (this.done) return;
    if (!this.sink.onResponseData(chunk) && !this.pausedBySink && this.conn !== null) {
      this.pausedBySink = true;
      this.conn.socket.pause();
    }
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.done = true;
    this.settle(this.headStatus >= 500 ? `HTTP_${this.headStatus}` : null);
    const c = this.conn!;
    this.conn = null;
    if (this.pausedBySink) {
      this.pausedBySink = false;
      c.socket.resume();
    }
    // Reusable only if both messages ended cleanly; an early response leaves our request unfinished.
    if (this.keepAlive && this.requestEnded) this.pool.release(c);
    else this.pool.discard(c);
    this.sink.onResponseEnd();
  }

  onResponseError(err: HeadError): void {
    if (this.done) return;
    this.fail(502, 'INVALID_RESPONSE', `invalid response from ${this.pool.origin}: ${err.reason}`);
  }

  // --- failure paths ---

  /**
   * The connection broke. A pooled connection can be closed by the upstream just as we reuse it;
   * then, and only if the upstream cannot have acted on the request (no response byte, no body byte,
   * idempotent method), replay once on a fresh connection.
   */
  private lost(code: string, detail: string): void {
    const c = this.conn;
    if (
      c !== null &&
      !this.retried &&
      !this.headSeen &&
      c.uses > 1 &&
      !c.decoder.started &&
      this.bodySent === 0 &&
      this.retryable &&
      !this.upgrade
    ) {
      this.retried = true;
      this.pool.discard(c);
      this.open();
      return;
    }
    this.fail(502, code, detail);
  }

  /**
   * A routed request that failed before the server can have acted on it (no response byte, no body
   * byte sent, idempotent method) goes to another server of the pool, if the route and budget allow.
   */
  private retryElsewhere(code: string): boolean {
    const a = this.attempts;
    if (a === null || this.headSeen || this.bodySent > 0 || !this.retryable || this.upgrade) return false;
    if (code === 'TOTAL_TIMEOUT') return false; // the whole exchange's time is up, retries included
    if (this.conn?.decoder.started) return false;
    const failed = this.pool;
    const next = a.next(failed, code);
    if (next === null) return false;
    a.end(failed, code);
    const c = this.conn;
    this.conn = null;
    if (c !== null) failed.discard(c);
    this.pool = next;
    this.pausedBySink = false;
    this.attempt();
    return true;
  }

  private fail(status: number, code: string, detail: string): void {
    if (this.done) return;
    if (this.retryElsewhere(code)) return;
    this.done = true;
    this.settle(code);
    const c = this.conn;
    this.conn = null;
    if (c !== null) this.pool.discard(c);
    if (this.headSeen) this.sink.onUpstreamAbort(code, detail);
    else this.sink.onUpstreamFailure(status, code, detail);
  }
}

const describe = (code: string, pool: Pool, message = ''): string => {
  const where = `${pool.host.includes(':') ? `[${pool.host}]` : pool.host}:${pool.port}`;
  const tlsSettings = pool.upstream.tls;
  if (tlsSettings !== undefined) {
    const words = describeUpstreamTlsError(
      code,
      message,
      where,
      tlsSettings.servername,
      tlsSettings.caPems !== undefined,
    );
    if (words !== undefined) return words;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'EPIPE':
      return `connection closed by ${where} while sending the request`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${pool.host}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where}`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
    default:
      return `${code} talking to ${where}`;
  }
};
