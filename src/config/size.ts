// Sizes in the config: a number of bytes, or "512k", "10m", "1g" (binary units, as nginx writes
// them; "kb"/"mib" and friends are read the same way).

export type SizeResult = { ok: true; value: number } | { ok: false; error: string };

const UNIT: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE = /^(\d+)([kmg]?)(?:i?b)?$/;

export function parseSize(input: unknown): SizeResult {
  if (typeof input === 'number') {
    return Number.isSafeInteger(input) && input >= 0
      ? { ok: true, value: input }
      : { ok: false, error: `${input} is not a size: use a whole number of bytes, or e.g. "10m"` };
  }
  if (typeof input !== 'string') return { ok: false, error: 'a size is a number of bytes or e.g. "10m"' };
  const m = SIZE.exec(input.trim().toLowerCase().replaceAll(' ', ''));
  if (m === null) return { ok: false, error: `'${input}' is not a size: write e.g. "512k", "10m", "1g"` };
  const value = Number(m[1]) * (UNIT[m[2] ?? ''] ?? 1);
  return Number.isSafeInteger(value) ? { ok: true, value } : { ok: false, error: `'${input}' is too large` };
}
