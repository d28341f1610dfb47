// Streaming decoder for the chunked transfer coding (RFC 9112 §7.1). Strict where parsers are
// known to disagree: hex digits only (no sign, no 0x, no trailing junk), a size that fits in a safe
// integer, CRLF (never bare LF) after every line and after every chunk's data, and bounded chunk
// extensions and trailers so a stream of tiny chunks cannot make us do unbounded work per byte.

import type { Buffer } from 'node:buffer';
import { CR, FIELD_VALUE, HEX, HTAB, LF, SP, TOKEN } from './chars.ts';
import { E, type HeadError } from './head-errors.ts';

export interface BodySink {
  onBodyData(chunk: Buffer): void;
}

const S = {
  sizeStart: 0,
  size: 1,
  sizeWs: 2,
  ext: 3,
  sizeLf: 4,
  data: 5,
  dataCr: 6,
  dataLf: 7,
  trailerLine: 8,
  trailerName: 9,
  trailerValue: 10,
  trailerLf: 11,
  endLf: 12,
  done: 13,
} as const;
type State = (typeof S)[keyof typeof S];

const MAX_SIZE_DIGITS = 16;
/** Per-chunk extension bytes; real clients send none. */
const MAX_EXT = 1024;
/** All extension bytes of one message. */
const MAX_EXT_TOTAL = 16 * 1024;

export class ChunkedDecoder {
  private state: State = S.sizeStart;
  private size = 0;
  private digits = 0;
  private ext = 0;
  private extTotal = 0;
  private trailerBytes = 0;
  private readonly maxTrailerBytes: number;

  constructor(maxTrailerBytes: number) {
    this.maxTrailerBytes = maxTrailerBytes;
  }

  reset(): void {
    this.state = S.sizeStart;
    this.size = 0;
    this.digits = 0;
    this.ext = 0;
    this.extTotal = 0;
    this.trailerBytes = 0;
  }

  get done(): boolean {
    return this.state === S.done;
  }

  /**
   * Consume buf[p, end). Data is handed to `sink` as zero-copy slices. Returns the offset where
   * decoding stopped (end, or just past the final CRLF once done) or the HeadError to answer with.
   */
  execute(buf: Buffer, p: number, end: number, sink: BodySink): number | HeadError {
    while (p < end) {
      const c = buf[p]!;
      switch (this.state) {
        case S.sizeStart: {
          const h = HEX[c]!;
          if (h === 0xff) return E.badChunkSize;
          this.size = h;
          this.digits = 1;
          this.ext = 0;
          this.state = S.size;
          p++;
          break;
        }
        case S.size: {
          const h = HEX[c]!;
          if (h !== 0xff) {
            if (++this.digits > MAX_SIZE_DIGITS || this.size > (Number.MAX_SAFE_INTEGER - h) / 16)
              return E.chunkTooBig;
            this.size = this.size * 16 + h;
          } else if (c === CR) this.state = S.sizeLf;
          else if (c === 0x3b) this.state = S.ext;
          else if (c === SP || c === HTAB) this.state = S.sizeWs;
          else return c === LF ? E.bareLf : E.badChunkSize;
          p++;
          break;
        }
        case S.sizeWs:
          // BWS is only allowed before a chunk extension.
          if (c === 0x3b) this.state = S.ext;
          else if (c !== SP && c !== HTAB) return E.badChunkSize;
          p++;
          break;
        case S.ext:
          if (c === CR) this.state = S.sizeLf;
          else if (FIELD_VALUE[c] !== 1) return c === LF ? E.bareLf : E.badChunkExt;
          else if (++this.ext > MAX_EXT || ++this.extTotal > MAX_EXT_TOTAL) return E.chunkExtTooLong;
          p++;
          break;
        case S.sizeLf:
          if (c !== LF) return E.bareCr;
          this.state = this.size === 0 ? S.trailerLine : S.data;
          p++;
          break;
        case S.data: {
          const take = Math.min(this.size, end - p);
          sink.onBodyData(buf.subarray(p, p + take));
          p += take;
          this.size -= take;
          if (this.size === 0) this.state = S.dataCr;
          break;
        }
        case S.dataCr:
          if (c !== CR) return E.badChunkEnd;
          this.state = S.dataLf;
          p++;
          break;
        case S.dataLf:
          if (c !== LF) return E.badChunkEnd;
          this.state = S.sizeStart;
          p++;
          break;
        case S.trailerLine:
          if (c === CR) this.state = S.endLf;
          else if (c === SP || c === HTAB) return E.obsFold;
          else if (TOKEN[c] === 1) this.state = S.trailerName;
          else return c === LF ? E.bareLf : E.badFieldName;
          if (++this.trailerBytes > this.maxTrailerBytes) return E.trailersTooLarge;
          p++;
          break;
        case S.trailerName:
          if (c === 0x3a) this.state = S.trailerValue;
          else if (TOKEN[c] !== 1) return c === SP || c === HTAB ? E.spaceBeforeColon : E.badFieldName;
          if (++this.trailerBytes > this.maxTrailerBytes) return E.trailersTooLarge;
          p++;
          break;
        case S.trailerValue:
          if (c === CR) this.state = S.trailerLf;
          else if (FIELD_VALUE[c] !== 1) return c === LF ? E.bareLf : E.badFieldValue;
          if (++this.trailerBytes > this.maxTrailerBytes) return E.trailersTooLarge;
          p++;
          break;
        case S.trailerLf:
          if (c !== LF) return E.bareCr;
          this.state = S.trailerLine;
          p++;
          break;
        case S.endLf:
          if (c !== LF) return E.bareCr;
          this.state = S.done;
          return p + 1;
        case S.done:
          return p;
      }
    }
    return p;
  }
}
