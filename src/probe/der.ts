// Just enough DER to read two structures nothing else in Node exposes: an OCSP response's status
// and an OpenSSL session's ticket lifetime. Total: bad input yields undefined, never an exception.

export interface Tlv {
  readonly tag: number;
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
  return { tag, value: bytes.subarray(start, start + length), end: start + length };
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
