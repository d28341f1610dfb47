// The HTTP/1.1 response path: the upstream's response (ResponseSink) re-framed for the client
// (re-chunked, corked per flush), the switch to a tunnel on 101, a local handler's answer and the 421.

import { Buffer } from 'node:buffer';
import type http2 from 'node:http2';
import { logUpstreamError } from './access-log.ts';
import { P } from './h1-state.ts';
import { Http1Timers } from './h1-timers.ts';
import { buildClientResponseHead, Conn } from './head-builder.ts';
import { localResponseH1, runHandler } from './local-response.ts';
import { ResBody, type ResponseHead } from './response-head.ts';
import { editH1Head } from './rules/header-edits.ts';
import { lastChunkWithTrailers } from './trailers-h1.ts';
import { Tunnel } from './tunnel.ts';
import type { LocalRequest } from './types.ts';
import type { ResponseSink } from './upstream-exchange.ts';
import type { UpstreamConn } from './upstream-pool.ts';

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

export abstract class Http1Response extends Http1Timers implements ResponseSink {
  /** This request's client sent `TE: trailers` (set per request by the connection). */
  protected teTrailers = false;
  /** An HTTP/2 app's trailers for this response, when the client takes them. */
  private trailerBlock: Buffer | null = null;

  /** From an HTTP/2 app (upstream-h2/): kept for the last chunk if the client said TE: trailers. */
  onResponseTrailers(trailers: http2.IncomingHttpHeaders): void {
    if (this.teTrailers && this.chunkedOut) this.trailerBlock = lastChunkWithTrailers(trailers);
  }

  onInterim(head: ResponseHead): void {
    // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client.
    if (!this.v10) this.write(buildClientResponseHead(head, false, Conn.none));
  }

  onResponseHead(head: ResponseHead): void {
    this.connectMs = this.exchange?.connectMs ?? null;
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
      buildClientResponseHead(
        head,
        chunked,
        close ? Conn.close : this.v10 ? Conn.keepAlive : Conn.none,
        this.filters?.response ?? null,
      ),
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
    if (this.chunkedOut) this.write(this.trailerBlock ?? LAST_CHUNK);
    this.trailerBlock = null;
    this.onResponseFlush();
    this.exchange = null;
    this.finish();
  }

  onUpstreamFailure(status: number, code: string, detail: string, answer?: ResponseHead): void {
    this.metrics?.upstreamError(code);
    logUpstreamError(
      this.log,
      this.info,
      status,
      this.attempt?.origin ?? this.upstreamName,
      code,
      detail,
      this.method,
      this.path,
    );
    this.exchange = null;
    if (answer !== undefined) {
      // A gRPC call's status (HTTP 200, trailers-only): what a gRPC client reads, even over HTTP/1.1.
      this.onResponseHead(answer);
      this.onResponseEnd();
      return;
    }
    this.status = status;
    this.responseStarted = true;
    this.closeAfter = !this.keepAlive || !this.requestDone || this.draining;
    this.write(this.errorOut(status, this.html, this.closeAfter, this.isHead));
    this.onResponseFlush();
    this.finish();
  }

  onUpstreamAbort(code: string, detail: string): void {
    this.metrics?.upstreamError(code);
    logUpstreamError(
      this.log,
      this.info,
      this.status,
      this.attempt?.origin ?? this.upstreamName,
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

  /** 421: this connection must not serve the request's host; the client retries on a new one. */
  protected respondMisdirected(): void {
    this.misdirected = false;
    this.upstreamName = 'none';
    this.status = 421;
    this.responseStarted = true;
    this.closeAfter = !this.keepAlive || !this.requestDone || this.draining;
    this.write(this.errorOut(421, this.html, this.closeAfter, this.isHead));
    this.finish();
  }

  protected respondLocal(req: LocalRequest): void {
    this.local = null;
    const res = runHandler(this.handler!, req, this.info, this.log);
    this.closeAfter = !this.keepAlive || this.draining;
    let out = localResponseH1(
      res,
      this.isHead,
      this.closeAfter ? Conn.close : this.v10 ? Conn.keepAlive : Conn.none,
    );
    const edits = this.filters?.response ?? null;
    if (edits !== null) out = editH1Head(out, edits);
    this.status = res.status;
    this.responseStarted = true;
    this.bytesOut = typeof res.body === 'string' ? Buffer.byteLength(res.body) : res.body.byteLength;
    if (this.isHead) this.bytesOut = 0;
    this.write(out);
    this.finish();
  }
}
