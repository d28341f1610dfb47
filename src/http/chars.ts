// Byte-class tables for the HTTP/1.1 grammar (RFC 9110 §5.6.2, §5.5; RFC 9112 §3). One lookup per
// byte keeps the parsers branch-light; an out-of-range index (reading past a buffer) yields
// `undefined`, which every check treats as "not in the class".

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

const table = (test: (b: number) => boolean): Uint8Array => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = test(b) ? 1 : 0;
  return t;
};

const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** tchar: the characters of a token (method, field name, transfer coding). */
export const TOKEN: Uint8Array = table(
  (b) => isAlpha(b) || isDigit(b) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b)),
);

/** field-vchar / SP / HTAB / obs-text: what may appear inside a field value. No CTL, no DEL. */
export const FIELD_VALUE: Uint8Array = table((b) => b === HTAB || (b >= 0x20 && b !== 0x7f));

/** A request-target byte: any visible ASCII. Whitespace, CTLs and non-ASCII end or break the target. */
export const TARGET: Uint8Array = table((b) => b > 0x20 && b < 0x7f);

/** Bytes allowed in a Host value (uri-host [":" port]; IP-literals in brackets). */
export const HOST: Uint8Array = table(
  (b) => isAlpha(b) || isDigit(b) || "-._~!$&'()*+,;=:[]%".includes(String.fromCharCode(b)),
);

/** True when every byte in [s, e) is a tchar (a token is never empty). */
export const isToken = (buf: Uint8Array, s: number, e: number): boolean => {
  if (e <= s) return false;
  for (let i = s; i < e; i++) if (TOKEN[buf[i]!] !== 1) return false;
  return true;
};

/** The string form of isToken, for values that arrive as strings (h2 fields, a handler's headers). */
export const isTokenString = (s: string): boolean => {
  if (s.length === 0) return false;
  // A code unit above 0xff indexes past the table: undefined, not a tchar.
  for (let i = 0; i < s.length; i++) if (TOKEN[s.charCodeAt(i)] !== 1) return false;
  return true;
};

/** True when every character of `s` may appear in a field value (no CR, LF, NUL or other CTL). */
export const isFieldValueString = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (FIELD_VALUE[s.charCodeAt(i)] !== 1) return false;
  return true;
};

/** Hex digit value, or 0xff when the byte is not a hex digit. */
export const HEX: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(0xff);
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) {
    t[0x41 + d] = 10 + d;
    t[0x61 + d] = 10 + d;
  }
  return t;
})();
