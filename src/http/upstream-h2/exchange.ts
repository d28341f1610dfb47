// One request/response exchange with an HTTP/2 app server: the same surface and the same sink as
// upstream-exchange.ts's Exchange (so both fronts use either), over one stream of a multiplexed
// session. Bodies stream with backpressure both ways; response trailers are passed to the sink;
// a client that goes away cancels the stream (RST_STREAM CANCEL), an upstream reset cuts the
// client's stream with the same code. Every state has a timer: connecting (connect timeout),
// waiting for the response and between its reads (response timeout, or the call's gRPC deadline).

import type { Buffer } from 'node:buffer';
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { Body, type BodyKind } from '../request-head.ts';
import type { ResponseHead } from '../response-head.ts';
import type { ResponseSink } from '../upstream-exchange.ts';
import { describeUpstreamTlsError } from '../upstream-tls.ts';
import { grpcFailureFields, grpcStatusFor } from './grpc.ts';
import { h2RequestFields } from './request-fields.ts';
import { h2ResponseHead } from './response-head.ts';
import type { H2Pool, H2Session } from './sessions.ts';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_NO_ERROR } = http2.constants;

/** The sink's optional parts for HTTP/2 upstreams (trailers, the reset code of a cut stream). */
export interface H2ResponseSink extends ResponseSink {
  /** Trailer fields of the response, just before onResponseEnd (h2 front: sent; h1 front: dropped). */
  onResponseTrailers?(trailers: http2.IncomingHttpHeaders): void;
  /** The upstream reset the stream after the head: cut the client's stream with this h2 code. */
  onUpstreamReset?(h2Code: number, detail: string): void;
}

export class H2Exchange {
  private readonly pool: H2Pool;
  private readonly sink: H2ResponseSink;
  private readonly head: Buffer;
  private readonly isHead: boolean;
  private session: H2Session | null = null;
  private stream: http2.ClientHttp2Stream | null = null;
  private grpc = false;
  private deadlineMs: number | undefined;
  private headSeen = false;
  private wantDrain = false;
  private pausedBySink = false;
  private bodySent = 0;
  private retried = false;
  private requestEnded: boolean;
  private timer: NodeJS.Timeout | null = null;
  /** What the timer bounds now (null: nothing, e.g. paused for a slow client), and since when. */
  private waiting: 'connect' | 'response' | null = null;
  private since = 0;
  private streamError: NodeJS.ErrnoException | null = null;
  private deadline: NodeJS.Timeout | null = null;
  /** Time this exchange waited for a new session to connect (ms); 0 on a session already up. */
  connectMs = 0;
  /** Over: completed, failed or aborted. Nothing is reported after this. */
  done = false;

  constructor(pool: H2Pool, sink: ResponseSink, head: Buffer, body: BodyKind, method: string) {
    this.pool = pool;
    this.sink = sink as H2ResponseSink;
    this.head = head;
    this.isHead = method === 'HEAD';
    this.requestEnded = body === Body.none;
  }

  start(): void {
    const fields = h2RequestFields(this.head, this.pool.scheme, this.pool.authority.toString('latin1'));
    this.grpc = fields.grpc;
    this.deadlineMs = fields.deadlineMs;
    // The call's own deadline bounds the whole exchange (and replaces the response timeout): a
    // 5-minute deadline is not cut at 60 s, a 100 ms one fails at 100 ms as DEADLINE_EXCEEDED.
    if (this.deadlineMs !== undefined)
      this.deadline = setTimeout(
        () =>
          this.fail(
            504,
            'DEADLINE_EXCEEDED',
            `no complete response from ${this.pool.origin} within the call's grpc-timeout (${this.deadlineMs} ms)`,
          ),
        this.deadlineMs,
      );
    this.open(fields.headers);
  }

  private open(headers: http2.OutgoingHttpHeaders): void {
    const session = this.pool.pick();
    this.session = session;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.session.request(headers, { endStream: this.requestEnded });
    } catch (error) {
      this.session = null;
      this.fail(
        502,
        'UPSTREAM_H2',
        `cannot open a stream to ${this.pool.origin}: ${(error as Error).message}`,
      );
      return;
    }
    session.opened();
    this.stream = stream;
    if (!session.connected) {
      const t0 = performance.now();
      session.session.once('connect', () => {
        this.connectMs = Math.round((performance.now() - t0) * 1000) / 1000;
      });
    }
    this.arm(session.connected ? 'response' : 'connect');
    stream.on('response', (h, flags) => this.onResponse(h, (flags & 0x1) !== 0));
    stream.on('headers', () => this.arm('response')); // 1xx: the app is alive
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('trailers', (t) => {
      if (!this.done) this.sink.onResponseTrailers?.(t);
    });
    stream.on('end', () => this.onEnd());
    stream.on('drain', () => {
      if (this.wantDrain && !this.done) {
        this.wantDrain = false;
        this.sink.onRequestDrain();
      }
    });
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (this.stream === stream) this.streamError = err; // reported at 'close'
    });
    stream.on('close', () => this.onStreamClose(stream, headers));
  }

  /** Forward a piece of request body. False means: pause the source until onRequestDrain. */
  writeBody(chunk: Buffer): boolean {
    const s = this.stream;
    if (this.done || chunk.length === 0 || s === null) return true;
    this.bodySent += chunk.length;
    // An upload in progress is the app reading: the wait for its answer starts over (as the
    // HTTP/1.1 pool's socket inactivity timeout does).
    if (!this.headSeen && this.session?.connected === true) this.arm('response');
    const ok = s.write(chunk);
    if (!ok) this.wantDrain = true;
    return ok;
  }

  /** The request body is complete. */
  endBody(): void {
    if (this.done || this.requestEnded) return;
    this.requestEnded = true;
    this.stream?.end();
  }

  /** The sink can take response data again. */
  resumeResponse(): void {
    if (this.pausedBySink && this.stream !== null) {
      this.pausedBySink = false;
      this.stream.resume();
      this.arm('response');
    }
  }

  /** The client went away (or a front bound ran out): cancel the upstream stream. */
  abort(): void {
    if (this.done) return;
    this.finishUp();
    const s = this.stream;
    this.stream = null;
    if (s !== null && !s.destroyed) s.close(NGHTTP2_CANCEL);
  }

  // --- stream events ---

  private onResponse(headers: http2.IncomingHttpHeaders, endStream: boolean): void {
    if (this.done) return;
    const head = h2ResponseHead(headers, endStream, this.isHead);
    if ('reason' in head) {
      this.fail(502, 'INVALID_RESPONSE', `invalid response from ${this.pool.origin}: ${head.reason}`);
      return;
    }
    this.headSeen = true;
    this.arm('response');
    this.sink.onResponseHead(head);
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    this.arm('response');
    if (!this.sink.onResponseData(chunk) && !this.pausedBySink && this.stream !== null) {
      this.pausedBySink = true;
      this.stream.pause();
      this.disarm(); // paused because the client is slow, not the app
    }
    this.sink.onResponseFlush();
  }

  private onEnd(): void {
    if (this.done || !this.headSeen) return;
    // node:http2 ends the readable side of a reset stream too: that is a cut, reported at 'close'.
    const rst = this.stream?.rstCode;
    if (rst !== undefined && rst !== NGHTTP2_NO_ERROR) return;
    this.finishUp();
    this.stream = null;
    this.sink.onResponseEnd();
  }

  private onStreamClose(stream: http2.ClientHttp2Stream, headers: http2.OutgoingHttpHeaders): void {
    this.session?.closed();
    this.session = null;
    if (this.done || this.stream !== stream) return;
    const code = stream.rstCode ?? NGHTTP2_NO_ERROR;
    // Refused (e.g. past a GOAWAY's last stream): the app did not act on it; once, on a new session.
    if (code === NGHTTP2_REFUSED_STREAM && !this.headSeen && this.bodySent === 0 && !this.retried) {
      this.retried = true;
      this.stream = null;
      this.open(headers);
      return;
    }
    const err = this.streamError;
    this.streamError = null;
    if (this.headSeen) {
      this.finishUp();
      this.stream = null;
      const detail = `${this.pool.origin} reset the stream (${h2CodeName(code)})`;
      if (this.sink.onUpstreamReset !== undefined)
        this.sink.onUpstreamReset(
          code === NGHTTP2_NO_ERROR ? http2.constants.NGHTTP2_INTERNAL_ERROR : code,
          detail,
        );
      else this.sink.onUpstreamAbort('UPSTREAM_RESET', detail);
      return;
    }
    // A session that never connected (refused, timed out, not h2) fails its streams with its error.
    if (err !== null && err.code !== 'ERR_HTTP2_STREAM_ERROR') {
      const f = describeFailure(err, this.pool);
      this.fail(f.status, f.code, f.detail);
    } else
      this.fail(
        502,
        'UPSTREAM_RESET',
        `${this.pool.origin} reset the stream before a response (${h2CodeName(code)})`,
      );
  }

  // --- timers ---

  /**
   * Start (or restart) the wait for the app. One timer per exchange, re-armed for the remainder when
   * it fires early: progress costs a clock read, not a clearTimeout/setTimeout pair per read.
   */
  private arm(state: 'connect' | 'response'): void {
    if (this.done) return;
    // With a gRPC deadline the deadline timer alone bounds the wait for the app.
    if (state === 'response' && this.deadlineMs !== undefined) {
      this.waiting = null;
      return;
    }
    this.waiting = state;
    this.since = performance.now();
    if (this.timer === null) this.timer = setTimeout(this.check, this.limitOf(state));
  }

  /** Not waiting for the app (the client is slow): the timer, when it fires, does nothing. */
  private disarm(): void {
    this.waiting = null;
  }

  private readonly check = (): void => {
    this.timer = null;
    const state = this.waiting;
    if (this.done || state === null) return;
    const limit = this.limitOf(state);
    const left = limit - (performance.now() - this.since);
    if (left > 0) {
      this.timer = setTimeout(this.check, left);
      return;
    }
    // Connected meanwhile: from then on it is the wait for the answer (no per-stream listener).
    const connectedAt = this.session?.connectedAt;
    if (state === 'connect' && connectedAt !== undefined) {
      this.arm('response');
      this.since = connectedAt;
      return;
    }
    if (state === 'connect')
      this.fail(504, 'CONNECT_TIMEOUT', `no connection to ${this.pool.origin} within ${limit} ms`);
    else this.fail(504, 'RESPONSE_TIMEOUT', `no response from ${this.pool.origin} within ${limit} ms`);
  };

  private limitOf(state: 'connect' | 'response'): number {
    const u = this.pool.upstream;
    return state === 'connect' ? u.connectTimeoutMs : u.responseTimeoutMs;
  }

  private finishUp(): void {
    this.done = true;
    this.waiting = null;
    // Cleared for real: a finished exchange must not be held by its timer until it would fire.
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.deadline !== null) clearTimeout(this.deadline);
    this.deadline = null;
  }

  private fail(status: number, code: string, detail: string): void {
    if (this.done) return;
    this.finishUp();
    const s = this.stream;
    this.stream = null;
    if (s !== null && !s.destroyed) s.close(NGHTTP2_CANCEL);
    if (this.headSeen) {
      this.sink.onUpstreamAbort(code, detail);
      return;
    }
    if (this.grpc) {
      // Answered the gRPC way (HTTP 200, trailers-only) after the failure is logged as usual.
      this.sink.onUpstreamFailure(status, code, detail, grpcAnswer(grpcStatusFor(code), detail, this.isHead));
      return;
    }
    this.sink.onUpstreamFailure(status, code, detail);
  }
}

function grpcAnswer(status: number, message: string, isHead: boolean): ResponseHead {
  const headers: http2.IncomingHttpHeaders = { ':status': '200' };
  for (const [n, v] of grpcFailureFields(status, message)) headers[n] = v;
  return h2ResponseHead(headers, true, isHead) as ResponseHead;
}

// RFC 9113 §7 error codes, for log details.
const CODE_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

const h2CodeName = (code: number): string => CODE_NAMES[code] ?? `code ${code}`;

/** A failure before the response, in the words upstream-exchange.ts uses for HTTP/1.1. */
function describeFailure(
  error: NodeJS.ErrnoException,
  pool: H2Pool,
): { status: number; code: string; detail: string } {
  // A stream queued on a session that failed to connect is cancelled "caused by" the real error.
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  const err = error.code === 'ERR_HTTP2_STREAM_CANCEL' && cause?.code !== undefined ? cause : error;
  const where = `${pool.host.includes(':') ? `[${pool.host}]` : pool.host}:${pool.port}`;
  const code = err.code ?? 'ERROR';
  const tlsSettings = pool.upstream.tls;
  if (code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' || code === 'UPSTREAM_NO_H2')
    return {
      status: 502,
      code: 'UPSTREAM_NO_H2',
      detail: `${where} does not speak h2 by ALPN (alpn: [h2] needs an HTTP/2 app; without alpn tlsterm speaks HTTP/1.1)`,
    };
  if (tlsSettings !== undefined) {
    const words = describeUpstreamTlsError(
      code,
      err.message,
      where,
      tlsSettings.servername,
      tlsSettings.caPems !== undefined,
    );
    if (words !== undefined) return { status: 502, code, detail: words };
  }
  switch (code) {
    case 'CONNECT_TIMEOUT':
      return {
        status: 504,
        code,
        detail: `no connection to ${pool.origin} within ${pool.upstream.connectTimeoutMs} ms`,
      };
    case 'ECONNREFUSED':
      return { status: 502, code, detail: `connection refused by ${where}` };
    case 'ECONNRESET':
      return { status: 502, code, detail: `connection reset by ${where}` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { status: 502, code, detail: `cannot resolve ${pool.host}` };
    default:
      return { status: 502, code, detail: `${code} talking to ${where}: ${err.message}` };
  }
}
