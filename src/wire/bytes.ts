// The byte toolbox shared by every face: hex renderings, comparison and concatenation.

const HEX = '0123456789abcdef';

/** `0x0a0a`-style rendering of a 16-bit value, as used in error details. */
export function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}

/** `0x16`-style rendering of a byte. */
export function hex8(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

/** Four lower-case hex digits without prefix (JA4 lists and the like). */
export function hex4(value: number): string {
  return HEX[(value >> 12) & 15]! + HEX[(value >> 8) & 15]! + HEX[(value >> 4) & 15]! + HEX[value & 15]!;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

/** Parses an even-length hex string (whitespace ignored); undefined if it is not one. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The parts one after another in a new array (`total` when the caller already knows the length). */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  let n = total ?? 0;
  if (total === undefined) for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
