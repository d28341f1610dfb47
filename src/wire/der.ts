// Just enough DER for the structures nothing else in Node exposes: OCSP requests and responses
// (probe reads staples, serve fetches and verifies them) and an OpenSSL session's ticket lifetime.
// Total: bad input yields undefined, never an exception.

export interface Tlv {
  readonly tag: number;
  /** Offset of the tag in the input: `bytes.subarray(start, end)` is the whole element. */
  readonly start: number;
  readonly value: Uint8Array;
  /** Offset just past this element in the input. */
  readonly end: number;
}

/** The element at `at`, or undefined if the bytes there are not one (or high tag numbers). */
export function readTlv(bytes: Uint8Array, at = 0): Tlv | undefined {
  if (at + 2 > bytes.length) return undefined;
  const tag = bytes[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || start + n > bytes.length) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[start + i]!;
    start += n;
  }
  if (start + length > bytes.length) return undefined;
  return { tag, start: at, value: bytes.subarray(start, start + length), end: start + length };
}

/** The elements inside a constructed value, in order; undefined if they do not fill it exactly. */
export function children(value: Uint8Array): Tlv[] | undefined {
  const out: Tlv[] = [];
  let at = 0;
  while (at < value.length) {
    const t = readTlv(value, at);
    if (!t) return undefined;
    out.push(t);
    at = t.end;
  }
  return out;
}

/** An unsigned INTEGER / ENUMERATED value (up to 2^53). */
export function unsigned(value: Uint8Array): number | undefined {
  if (value.length === 0 || value.length > 7) return undefined;
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

/** GeneralizedTime (YYYYMMDDHHMMSSZ) or UTCTime as an ISO string. */
export function derTime(tag: number, value: Uint8Array): string | undefined {
  const text = String.fromCharCode(...value);
  const m =
    tag === 0x18
      ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text)
      : tag === 0x17
        ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!m) return undefined;
  const year = tag === 0x17 ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1]);
  const d = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One element: tag, DER length, contents. */
export function derTlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  const n = parts.reduce((sum, p) => sum + p.length, 0);
  const len: number[] = [];
  if (n < 0x80) len.push(n);
  else {
    for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
    len.unshift(0x80 | len.length);
  }
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  let at = 1 + len.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const derSequence = (...parts: readonly Uint8Array[]): Uint8Array => derTlv(0x30, ...parts);
export const derOctets = (value: Uint8Array): Uint8Array => derTlv(0x04, value);

/** An OBJECT IDENTIFIER from its dotted form (first arc 0-2, as every OID we write). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [(arcs[0] ?? 0) * 40 + (arcs[1] ?? 0)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    body.push(...chunk);
  }
  return derTlv(0x06, Uint8Array.from(body));
}

/** An OBJECT IDENTIFIER's contents in dotted form; undefined when malformed. */
export function oidText(value: Uint8Array): string | undefined {
  if (value.length === 0) return undefined;
  const first = value[0]!;
  const arcs = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let n = 0;
  for (let i = 1; i < value.length; i++) {
    const b = value[i]!;
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if ((b & 0x80) === 0) {
      arcs.push(n);
      n = 0;
    } else if (i === value.length - 1) return undefined;
  }
  return arcs.join('.');
}

/** The whole element (tag and length included) a Tlv was read from. */
export function tlvBytes(t: Tlv): Uint8Array {
  const header = t.end - t.start - t.value.length;
  return new Uint8Array(t.value.buffer, t.value.byteOffset - header, header + t.value.length);
}
