// Incremental HTTP/1.1 message decoders, fed straight from socket 'data' events. One message at a
// time: after a message ends the decoder halts, keeping any pipelined bytes, until the connection
// calls resume() (responses go out in request order, and a pipelining client cannot make us buffer
// more than one head). All callbacks are method calls on one handler object: no closures per
// message, and re-entrant calls (resume() from inside onEnd) continue the loop instead of recursing.

import { Buffer } from 'node:buffer';
import { CR, LF } from './chars.ts';
import { ChunkedDecoder } from './chunked-decoder.ts';
import { FieldIndex } from './field-lines.ts';
import { E, type HeadError } from './head-errors.ts';
import { Body, parseRequestHead, type RequestHead } from './request-head.ts';
import { parseResponseHead, ResBody, type ResponseHead } from './response-head.ts';

const M = { head: 0, length: 1, chunked: 2, close: 3, halted: 4, raw: 5, dead: 6 } as const;
type Mode = (typeof M)[keyof typeof M];

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
export const MAX_FIELDS = 128;

abstract class Decoder {
  protected pending: Buffer | null = null;
  protected mode: Mode = M.head;
  protected remaining = 0;
  /** Where to resume the CRLFCRLF search in `pending`. */
  private scanFrom = 0;
  /** Bytes of empty lines skipped before the current head (they count toward the head limit). */
  private skipped = 0;
  private running = false;
  protected readonly chunked: ChunkedDecoder;
  readonly fields: FieldIndex;
  protected readonly maxHeadBytes: number;

  constructor(maxHeadBytes: number, maxFields = MAX_FIELDS) {
    this.maxHeadBytes = maxHeadBytes;
    this.fields = new FieldIndex(maxFields);
    this.chunked = new ChunkedDecoder(maxHeadBytes);
  }

  /** Bytes received but not yet decoded (pipelined input while halted, or a partial head). */
  get pendingBytes(): number {
    return this.pending === null ? 0 : this.pending.length;
  }

  /** True while part of a head has arrived but not all of it. */
  get inHead(): boolean {
    return this.mode === M.head && this.pending !== null && this.pending.length > 0;
  }

  get halted(): boolean {
    return this.mode === M.halted;
  }

  push(chunk: Buffer): void {
    if (this.mode === M.dead || this.mode === M.raw) return;
    const p = this.pending;
    this.pending = p === null || p.length === 0 ? chunk : this.append(p, chunk);
    this.run();
  }

  /** Owned buffer that `pending` may be a view of, with free room after `accUsed`. */
  private acc: Buffer | null = null;
  private accUsed = 0;

  /**
   * pending + chunk, contiguous. Appends into spare room when pending already ends where our own
   * buffer's used part ends, else copies into a new buffer twice the size: a head dribbled in byte
   * by byte costs O(n) copying, not O(n²).
   */
  private append(p: Buffer, chunk: Buffer): Buffer {
    const acc = this.acc;
    if (
      acc !== null &&
      p.buffer === acc.buffer &&
      p.byteOffset + p.length === acc.byteOffset + this.accUsed &&
      acc.length - this.accUsed >= chunk.length
    ) {
      chunk.copy(acc, this.accUsed);
      this.accUsed += chunk.length;
      return acc.subarray(p.byteOffset - acc.byteOffset, this.accUsed);
    }
    const total = p.length + chunk.length;
    const next = Buffer.allocUnsafeSlow(Math.max(4096, total * 2));
    p.copy(next, 0);
    chunk.copy(next, p.length);
    this.acc = next;
    this.accUsed = total;
    return next.subarray(0, total);
  }

  /** Start on the next message (after a halt). */
  resume(): void {
    if (this.mode !== M.halted) return;
    this.mode = M.head;
    this.run();
  }

  /** Stop decoding for good; nothing more will be reported. */
  destroy(): void {
    this.mode = M.dead;
    this.pending = null;
  }

  /** Hand over undecoded bytes (after an upgrade: they belong to the new protocol). */
  takeRest(): Buffer | null {
    const rest = this.pending;
    this.pending = null;
    this.mode = M.raw;
    return rest !== null && rest.length > 0 ? rest : null;
  }

  protected abstract onHead(buf: Buffer, start: number, end: number): void;
  protected abstract onBody(chunk: Buffer): void;
  protected abstract onEnd(): void;
  protected abstract onError(err: HeadError): void;

  protected fail(err: HeadError): void {
    this.mode = M.dead;
    this.pending = null;
    this.onError(err);
  }

  /** The current message is complete: halt and tell the handler. */
  protected complete(): void {
    this.mode = M.halted;
    this.onEnd();
  }

  private run(): void {
    if (this.running) return;
    this.running = true;
    // Each pass consumes at least one byte or returns, so the loop is bounded by the input.
    while (this.pending !== null && this.pending.length > 0) {
      const mode = this.mode;
      if (mode === M.head) {
        if (!this.stepHead()) break;
      } else if (mode === M.length) {
        const buf = this.pending;
        const take = Math.min(this.remaining, buf.length);
        this.pending = take === buf.length ? null : buf.subarray(take);
        this.remaining -= take;
        this.onBody(take === buf.length ? buf : buf.subarray(0, take));
        if (this.remaining === 0 && this.mode === M.length) this.complete();
      } else if (mode === M.chunked) {
        const buf = this.pending;
        const r = this.chunked.execute(buf, 0, buf.length, this);
        if (typeof r !== 'number') {
          this.fail(r);
          break;
        }
        if (this.mode !== M.chunked) break;
        this.pending = r === buf.length ? null : buf.subarray(r);
        if (this.chunked.done) this.complete();
      } else if (mode === M.close) {
        const buf = this.pending;
        this.pending = null;
        this.onBody(buf);
      } else {
        break; // halted, raw or dead: keep what is pending
      }
    }
    this.running = false;
  }

  /** Called by the chunked decoder for every data slice. */
  onBodyData(chunk: Buffer): void {
    if (this.mode === M.chunked) this.onBody(chunk);
  }

  /** Returns false when more bytes are needed (or on error). */
  private stepHead(): boolean {
    let buf = this.pending!;
    if (this.scanFrom === 0) {
      // RFC 9112 §2.2: ignore empty lines before a request-line (clients send a stray CRLF after a body).
      let s = 0;
      while (s + 1 < buf.length && buf[s] === CR && buf[s + 1] === LF) s += 2;
      if (s > 0) {
        this.skipped += s;
        buf = buf.subarray(s);
        this.pending = buf;
        if (this.skipped > this.maxHeadBytes) {
          this.fail(E.headTooLarge);
          return false;
        }
        if (buf.length === 0) return false;
      }
      if (buf[0] === LF) {
        this.fail(E.bareLf);
        return false;
      }
    }
    const idx = buf.indexOf(CRLFCRLF, this.scanFrom);
    if (idx < 0) {
      // Not complete yet: fail fast on a bare LF instead of waiting for a CRLFCRLF that a client
      // using bare LFs would never send.
      let i = buf.indexOf(LF, Math.max(this.scanFrom, 1));
      while (i >= 0) {
        if (buf[i - 1] !== CR) {
          this.fail(E.bareLf);
          return false;
        }
        i = buf.indexOf(LF, i + 1);
      }
      if (buf.length + this.skipped > this.maxHeadBytes) {
        this.fail(E.headTooLarge);
        return false;
      }
      this.scanFrom = Math.max(0, buf.length - 3);
      return false;
    }
    const end = idx + 4;
    if (end + this.skipped > this.maxHeadBytes) {
      this.fail(E.headTooLarge);
      return false;
    }
    this.scanFrom = 0;
    this.skipped = 0;
    this.pending = end === buf.length ? null : buf.subarray(end);
    this.onHead(buf, 0, end);
    return true;
  }
}

export interface RequestHandler {
  /** `head` (and its field index) is valid only during this call. */
  onRequestHead(head: RequestHead): void;
  onRequestBody(chunk: Buffer): void;
  onRequestEnd(): void;
  onRequestError(err: HeadError): void;
}

export class RequestDecoder extends Decoder {
  private readonly handler: RequestHandler;

  constructor(handler: RequestHandler, maxHeaderBytes: number, maxFields = MAX_FIELDS) {
    super(maxHeaderBytes, maxFields);
    this.handler = handler;
  }

  protected onHead(buf: Buffer, start: number, end: number): void {
    const head = parseRequestHead(buf, start, end, this.fields);
    if ('reason' in head) {
      this.fail(head);
      return;
    }
    if (head.body === Body.length) {
      this.mode = M.length;
      this.remaining = head.contentLength;
    } else if (head.body === Body.chunked) {
      this.mode = M.chunked;
      this.chunked.reset();
    } else {
      this.mode = M.halted;
    }
    this.handler.onRequestHead(head);
    if (head.body === Body.none && this.mode === M.halted) this.handler.onRequestEnd();
  }

  protected onBody(chunk: Buffer): void {
    this.handler.onRequestBody(chunk);
  }

  protected onEnd(): void {
    this.handler.onRequestEnd();
  }

  protected onError(err: HeadError): void {
    this.handler.onRequestError(err);
  }
}

export interface ResponseHandler {
  /** 1xx other than 101: forwarded, then the real response follows. */
  onInterim(head: ResponseHead): void;
  /** The final response head (or a 101, after which the decoder is done: see takeRest). */
  onResponseHead(head: ResponseHead): void;
  onResponseBody(chunk: Buffer): void;
  onResponseEnd(): void;
  onResponseError(err: HeadError): void;
}

export class ResponseDecoder extends Decoder {
  handler: ResponseHandler | null = null;
  private requestIsHead = false;
  private expectUpgrade = false;
  /** Some byte of the response has arrived (decides whether a failure may be retried). */
  started = false;

  /** Prepare for the response to one request. */
  expect(handler: ResponseHandler, requestIsHead: boolean, expectUpgrade: boolean): void {
    this.handler = handler;
    this.requestIsHead = requestIsHead;
    this.expectUpgrade = expectUpgrade;
    this.started = false;
    this.pending = null;
    this.mode = M.head;
  }

  override push(chunk: Buffer): void {
    this.started = true;
    super.push(chunk);
  }

  /** The upstream closed its side: ends a close-delimited body, anything else is truncation. */
  finish(): void {
    if (this.mode === M.close) {
      this.complete();
      return;
    }
    if (this.mode === M.head || this.mode === M.length || this.mode === M.chunked) this.fail(E.truncated);
  }

  protected onHead(buf: Buffer, start: number, end: number): void {
    const head = parseResponseHead(buf, start, end, this.fields, this.requestIsHead);
    if ('reason' in head) {
      this.fail(head);
      return;
    }
    const h = this.handler!;
    if (head.status === 101) {
      if (!this.expectUpgrade) {
        this.fail(E.unexpectedSwitch);
        return;
      }
      this.mode = M.halted;
      h.onResponseHead(head);
      return;
    }
    if (head.status < 200) {
      h.onInterim(head);
      return;
    }
    switch (head.body) {
      case ResBody.length:
        this.mode = M.length;
        this.remaining = head.contentLength;
        break;
      case ResBody.chunked:
        this.mode = M.chunked;
        this.chunked.reset();
        break;
      case ResBody.close:
        this.mode = M.close;
        break;
      default:
        this.mode = M.halted;
    }
    h.onResponseHead(head);
    if (head.body === ResBody.none && this.mode === M.halted) h.onResponseEnd();
  }

  protected onBody(chunk: Buffer): void {
    this.handler!.onResponseBody(chunk);
  }

  protected onEnd(): void {
    this.handler!.onResponseEnd();
  }

  protected onError(err: HeadError): void {
    this.handler!.onResponseError(err);
  }
}
