// A tiny DER writer for building OCSP responses and OpenSSL sessions in tests.
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array(Buffer.concat([Uint8Array.of(tag, ...len), body]));
}

export const int = (n: number): Uint8Array => {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
};

export const octets = (b: Uint8Array | number[]): Uint8Array => tlv(0x04, Uint8Array.from(b));
export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts);
export const gtime = (s: string): Uint8Array => tlv(0x18, new TextEncoder().encode(s));
