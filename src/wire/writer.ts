// The encoding twin of Reader: a growable byte buffer with length-prefixed blocks. Used to build
// alerts, records and (for the prober and tests) whole ClientHellos. Lengths that overflow their
// prefix are programming errors, so they throw RangeError; nothing a peer sends reaches here.

export class Writer {
  #buf: Uint8Array;
  #len = 0;

  constructor(capacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, capacity));
  }

  get length(): number {
    return this.#len;
  }

  #grow(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  u8(v: number): this {
    this.#grow(1);
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.#grow(2);
    this.#buf[this.#len++] = (v >> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.#grow(3);
    this.#buf[this.#len++] = (v >> 16) & 0xff;
    this.#buf[this.#len++] = (v >> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.#grow(4);
    this.#buf[this.#len++] = (v >>> 24) & 0xff;
    this.#buf[this.#len++] = (v >> 16) & 0xff;
    this.#buf[this.#len++] = (v >> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#grow(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  /** Writes a block preceded by its length in `width` bytes (1, 2 or 3). */
  block(width: 1 | 2 | 3, body: (w: this) => void): this {
    const at = this.#len;
    this.#grow(width);
    this.#len += width;
    body(this);
    const n = this.#len - at - width;
    if (n >= 2 ** (8 * width)) throw new RangeError(`block of ${n} bytes overflows a ${width}-byte length`);
    for (let i = 0; i < width; i++) this.#buf[at + i] = (n >> (8 * (width - 1 - i))) & 0xff;
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
