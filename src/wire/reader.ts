// A bounds-checked cursor over a byte slice. Reading past the end never throws: it sets `failed`,
// yields zeros / empty slices, and pins the cursor at the end, so a parser can read a whole
// structure and check `failed` once (the style of Go's cryptobyte.String, without the bool per call).

export class Reader {
  readonly #buf: Uint8Array;
  #pos: number;
  readonly #end: number;
  #failed = false;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = Math.min(Math.max(0, start), buf.length);
    this.#end = Math.min(Math.max(this.#pos, end), buf.length);
  }

  get failed(): boolean {
    return this.#failed;
  }
  get offset(): number {
    return this.#pos;
  }
  get remaining(): number {
    return this.#end - this.#pos;
  }
  get atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  #take(n: number): number {
    if (n < 0 || this.#end - this.#pos < n) {
      this.#failed = true;
      this.#pos = this.#end;
      return -1;
    }
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  u8(): number {
    const at = this.#take(1);
    return at < 0 ? 0 : this.#buf[at]!;
  }

  u16(): number {
    const at = this.#take(2);
    return at < 0 ? 0 : (this.#buf[at]! << 8) | this.#buf[at + 1]!;
  }

  u24(): number {
    const at = this.#take(3);
    return at < 0 ? 0 : (this.#buf[at]! << 16) | (this.#buf[at + 1]! << 8) | this.#buf[at + 2]!;
  }

  u32(): number {
    const at = this.#take(4);
    if (at < 0) return 0;
    // Multiply instead of shifting so the top bit does not turn the result negative.
    return (
      this.#buf[at]! * 0x1000000 +
      ((this.#buf[at + 1]! << 16) | (this.#buf[at + 2]! << 8) | this.#buf[at + 3]!)
    );
  }

  /** The next n bytes as a view (no copy). */
  bytes(n: number): Uint8Array {
    const at = this.#take(n);
    return at < 0 ? this.#buf.subarray(0, 0) : this.#buf.subarray(at, at + n);
  }

  /** All remaining bytes as a view. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** A vector with a 1-, 2- or 3-byte length prefix, as a view. */
  vec8(): Uint8Array {
    return this.bytes(this.u8());
  }
  vec16(): Uint8Array {
    return this.bytes(this.u16());
  }
  vec24(): Uint8Array {
    return this.bytes(this.u24());
  }

  /** Moves past a vector with a 1-byte length prefix, making no view of it. */
  skip8(): void {
    this.#take(this.u8());
  }

  /** A sub-reader over a length-prefixed vector; the parent moves past it. No view is made. */
  sub8(): Reader {
    return this.#sub(this.u8());
  }
  sub16(): Reader {
    return this.#sub(this.u16());
  }
  sub24(): Reader {
    return this.#sub(this.u24());
  }

  #sub(n: number): Reader {
    const at = this.#take(n);
    const r = at < 0 ? new Reader(this.#buf, 0, 0) : new Reader(this.#buf, at, at + n);
    if (this.#failed) r.#failed = true;
    return r;
  }
}

/** Reads a whole reader as a list of u16 values; undefined if the length is odd or reading failed. */
export function readU16List(r: Reader): number[] | undefined {
  if (r.failed || r.remaining % 2 !== 0) return undefined;
  const out = new Array<number>(r.remaining >> 1);
  for (let k = 0; k < out.length; k++) out[k] = r.u16();
  return out;
}
