// Durations in the config: "500ms", "10s", "1m", "1h", combinations such as "1m30s", or a plain number
// of milliseconds.
import type { ParseResult } from '../wire/index.ts';

export type DurationResult = ParseResult<number>;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Milliseconds, rounded to a whole number. */
export function parseDuration(input: unknown): DurationResult {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0
      ? { ok: true, value: Math.round(input) }
      : { ok: false, error: `${input} is not a duration: use a non-negative number of milliseconds` };
  }
  if (typeof input !== 'string') {
    return { ok: false, error: 'a duration is a string such as "10s" or a number of milliseconds' };
  }
  const text = input.trim().toLowerCase().replaceAll(' ', '');
  if (/^\d+$/.test(text)) return { ok: true, value: Number(text) };
  if (!WHOLE.test(text)) {
    return { ok: false, error: `'${input}' is not a duration: write e.g. "500ms", "10s", "1m", "1m30s"` };
  }
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
  return { ok: true, value: Math.round(ms) };
}

/** "10s", "1m30s", "250ms" — for messages and docs. */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0 || ms === 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s % 60 !== 0) return s > 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
  return `${s / 60}m`;
}
