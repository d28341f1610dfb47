// The field section shared by requests, responses and chunked trailers (RFC 9112 §5): parsed into
// offsets over the head buffer, so nothing is copied or decoded unless a caller asks for it.

import { COLON, CR, FIELD_VALUE, HTAB, LF, SP, TOKEN } from './chars.ts';
import { E, type HeadError } from './head-errors.ts';
import { classifyName, type HeaderId } from './header-names.ts';

/**
 * Offsets of the fields of one head. Reused across the messages of a connection (it is scratch
 * space): valid only until the next head is parsed. Field i's whole line, CRLF included, spans
 * [nameStart(i), lineEnd(i)).
 */
export class FieldIndex {
  count = 0;
  /** Offset of the CRLF that ends the section (= end of the last field line). */
  sectionEnd = 0;
  /** The most fields a head may have (more is 431). */
  readonly max: number;
  /** Room for `ids.length` fields, grown up to `max` by the parser: most heads have a few fields,
   * and every idle keep-alive connection holds one index. The offsets are a plain array of small
   * integers, not an Int32Array: V8 keeps a typed array of more than 64 bytes off its heap, and
   * making one (calloc, external-memory accounting, freed by a later sweep) measured ~2.5 µs, against
   * ~0.1 µs for the array, on every connection's first request. */
  offs: number[];
  ids: Uint8Array;

  constructor(max: number, initial = 16) {
    this.max = max;
    const room = Math.max(1, Math.min(max, initial));
    this.offs = new Array<number>(room * 4).fill(0);
    this.ids = new Uint8Array(room);
  }

  /** Doubles the room (up to `max`); false when already at `max`. */
  grow(): boolean {
    const room = this.ids.length;
    if (room >= this.max) return false;
    const next = Math.min(this.max, room * 2);
    const offs = this.offs.concat(new Array<number>((next - room) * 4).fill(0));
    const ids = new Uint8Array(next);
    ids.set(this.ids);
    this.offs = offs;
    this.ids = ids;
    return true;
  }

  nameStart(i: number): number {
    return this.offs[i * 4]!;
  }
  nameEnd(i: number): number {
    return this.offs[i * 4 + 1]!;
  }
  valueStart(i: number): number {
    return this.offs[i * 4 + 2]!;
  }
  valueEnd(i: number): number {
    return this.offs[i * 4 + 3]!;
  }
  id(i: number): HeaderId {
    return this.ids[i]! as HeaderId;
  }
  lineEnd(i: number): number {
    return i + 1 < this.count ? this.offs[(i + 1) * 4]! : this.sectionEnd;
  }
}

/**
 * Parse field lines from `p` up to and including the empty line. The caller guarantees the section
 * is complete (it found CRLFCRLF), so scanning stops at that CR at the latest. Returns the offset
 * after the final CRLF, or a HeadError.
 */
export const parseFieldLines = (buf: Uint8Array, p: number, fields: FieldIndex): number | HeadError => {
  let offs = fields.offs;
  let n = 0;
  for (;;) {
    const first = buf[p];
    if (first === CR) {
      if (buf[p + 1] !== LF) return E.bareCr;
      fields.count = n;
      fields.sectionEnd = p;
      return p + 2;
    }
    // A line starting with whitespace is obs-fold (or whitespace before the first field): both
    // are the textbook way to make two parsers disagree about where a field ends.
    if (first === SP || first === HTAB) return E.obsFold;
    if (first === LF) return E.bareLf;
    const nameStart = p;
    while (TOKEN[buf[p]!] === 1) p++;
    if (p === nameStart) return E.badFieldName;
    const c = buf[p];
    if (c !== COLON) return c === SP || c === HTAB ? E.spaceBeforeColon : E.badFieldName;
    const nameEnd = p;
    p++;
    while (buf[p] === SP || buf[p] === HTAB) p++;
    const valueStart = p;
    while (FIELD_VALUE[buf[p]!] === 1) p++;
    const stop = buf[p];
    if (stop !== CR) return stop === LF ? E.bareLf : E.badFieldValue;
    if (buf[p + 1] !== LF) return E.bareCr;
    let valueEnd = p;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    if (n === fields.ids.length) {
      if (!fields.grow()) return E.tooManyFields;
      offs = fields.offs;
    }
    const o = n * 4;
    offs[o] = nameStart;
    offs[o + 1] = nameEnd;
    offs[o + 2] = valueStart;
    offs[o + 3] = valueEnd;
    fields.ids[n] = classifyName(buf, nameStart, nameEnd);
    n++;
    p += 2;
  }
};

/** Parse a Content-Length value: 1 to 15 digits, nothing else (no sign, no list, no spaces). */
export const parseContentLength = (buf: Uint8Array, s: number, e: number): number => {
  const len = e - s;
  if (len < 1 || len > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
};

/**
 * Walks the comma-separated elements of a list-valued field (RFC 9110 §5.6.1), yielding the
 * trimmed bounds of each non-empty element in `a`/`b`. A cursor rather than a callback so the hot
 * path (Connection on nearly every request) allocates nothing; parsing is synchronous, so one
 * shared instance per module is enough.
 */
export class ListCursor {
  a = 0;
  b = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private i = 0;
  private e = 0;

  reset(buf: Uint8Array, s: number, e: number): this {
    this.buf = buf;
    this.i = s;
    this.e = e;
    return this;
  }

  next(): boolean {
    const buf = this.buf;
    const e = this.e;
    while (this.i <= e) {
      let j = this.i;
      while (j < e && buf[j] !== 0x2c) j++;
      let a = this.i;
      let b = j;
      while (a < b && (buf[a] === SP || buf[a] === HTAB)) a++;
      while (b > a && (buf[b - 1] === SP || buf[b - 1] === HTAB)) b--;
      this.i = j + 1;
      if (b > a) {
        this.a = a;
        this.b = b;
        return true;
      }
    }
    return false;
  }
}
