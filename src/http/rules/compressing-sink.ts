// Compression on the way back: a ResponseSink between the upstream exchange and the front (h1 or
// h2). It decides at the response head (compression.ts), then feeds the body through a node:zlib
// stream and hands its output on. Each upstream read is flushed (Z_SYNC_FLUSH /
// BROTLI_OPERATION_FLUSH) before the front is told to flush, so a stream (SSE, chunked updates)
// reaches the client as it comes instead of waiting for the compressor's window to fill.
//
// Levels: gzip 5 and brotli 4 — near the best ratio per CPU second for text (gzip 6+ and brotli 5+
// cost markedly more CPU for a few per cent), nginx's gzip_comp_level 1–6 range; this runs on the
// request path of every worker.

import type { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import type { ResponseHead } from '../response-head.ts';
import type { ResponseSink } from '../upstream-exchange.ts';
import type { UpstreamConn } from '../upstream-pool.ts';
import { type Coding, type CompressionSpec, chooseCoding, compressedHead } from './compression.ts';

export const GZIP_LEVEL = 5;
export const BROTLI_QUALITY = 4;

const make = (coding: Coding): zlib.Gzip | zlib.BrotliCompress =>
  coding === 'gzip'
    ? zlib.createGzip({ level: GZIP_LEVEL })
    : zlib.createBrotliCompress({
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        },
      });

export class CompressingSink implements ResponseSink {
  private readonly inner: ResponseSink;
  private readonly spec: CompressionSpec;
  private readonly coding: Coding;
  /** Is the front still serving this response? (It aborts the exchange, not us, when it is not.) */
  private readonly alive: () => boolean;
  /** Lets the upstream send again (Exchange.resumeResponse). */
  resume: () => void = () => {};
  private z: zlib.Gzip | zlib.BrotliCompress | null = null;
  /** The front took the last output without asking to wait. */
  private innerOk = true;

  constructor(inner: ResponseSink, spec: CompressionSpec, coding: Coding, alive: () => boolean) {
    this.inner = inner;
    this.spec = spec;
    this.coding = coding;
    this.alive = alive;
  }

  onResponseHead(head: ResponseHead): void {
    const out = compressedHead(this.spec, head, this.coding);
    if (out === null) {
      this.inner.onResponseHead(head);
      return;
    }
    const z = make(this.coding);
    this.z = z;
    z.on('data', (chunk: Buffer) => {
      if (!this.alive()) {
        z.destroy();
        return;
      }
      this.innerOk = this.inner.onResponseData(chunk);
    });
    // Its input buffer emptied: the upstream may send again, unless the front itself is full (it
    // resumes the exchange when its socket drains).
    z.on('drain', () => {
      if (this.innerOk) this.resume();
    });
    z.on('end', () => {
      if (this.alive()) this.inner.onResponseEnd();
    });
    z.on('error', () => {
      if (this.alive()) this.inner.onUpstreamAbort('COMPRESSION_FAILED', 'the compressor failed');
    });
    this.inner.onResponseHead(out);
  }

  onResponseData(chunk: Buffer): boolean {
    const z = this.z;
    if (z === null) return this.inner.onResponseData(chunk);
    return z.write(chunk) && this.innerOk;
  }

  onResponseFlush(): void {
    const z = this.z;
    if (z === null) {
      this.inner.onResponseFlush();
      return;
    }
    if (z.destroyed || z.writableEnded) return;
    const flag = this.coding === 'gzip' ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.BROTLI_OPERATION_FLUSH;
    z.flush(flag, () => {
      if (this.alive()) this.inner.onResponseFlush();
    });
  }

  onResponseEnd(): void {
    if (this.z === null) this.inner.onResponseEnd();
    else this.z.end();
  }

  onInterim(head: ResponseHead): void {
    this.inner.onInterim(head);
  }

  onUpstreamFailure(status: number, code: string, detail: string): void {
    this.inner.onUpstreamFailure(status, code, detail);
  }

  onUpstreamAbort(code: string, detail: string): void {
    this.z?.destroy();
    this.inner.onUpstreamAbort(code, detail);
  }

  onRequestDrain(): void {
    this.inner.onRequestDrain();
  }

  onUpgrade(head: ResponseHead, conn: UpstreamConn, rest: Buffer | null): void {
    this.inner.onUpgrade(head, conn, rest);
  }
}

/**
 * The sink for a request: a CompressingSink when the site compresses and the client accepts a
 * coding we offer (HEAD never: there is no body), else the front itself.
 */
export const sinkFor = (
  front: ResponseSink,
  spec: CompressionSpec | null,
  method: string,
  acceptEncoding: () => readonly string[],
  alive: () => boolean,
): ResponseSink => {
  if (spec === null || method === 'HEAD') return front;
  const coding = chooseCoding(spec, acceptEncoding());
  return coding === null ? front : new CompressingSink(front, spec, coding, alive);
};

/** Let a CompressingSink resume the exchange it sits behind. */
export const bindSink = (sink: ResponseSink, resume: () => void): void => {
  if (sink instanceof CompressingSink) sink.resume = resume;
};
