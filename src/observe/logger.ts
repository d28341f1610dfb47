// JSON lines on stdout. One line per call; callers never pass secrets (keys, TLS secrets).
import type { EventName } from './events.ts';

/** One log line's members: an event from the table in events.ts, and its fields. */
export type LogEvent = { readonly event: EventName } & Readonly<Record<string, unknown>>;

/**
 * `raw`: members already rendered as JSON (`"a":1,"b":[…]`), appended after the event's own: for
 * parts that repeat across lines (a client's offer) and are rendered once, not per line.
 */
export type Logger = (event: LogEvent, raw?: string) => void;

export interface JsonLoggerOptions {
  /** Fields every line starts with, after `time` (e.g. the worker's pid): rendered once. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

// The timestamp only changes once a millisecond; a busy server logs many lines in one.
let lastMs = -1;
let lastIso = '';
const isoNow = (): string => {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
};

export function createJsonLogger(
  write: (line: string) => void = (l) => process.stdout.write(l),
  options: JsonLoggerOptions = {},
): Logger {
  const fixed = options.fields === undefined ? '' : JSON.stringify(options.fields).slice(1, -1);
  const head = fixed === '' ? '' : `,${fixed}`;
  const line = (event: LogEvent, raw: string | undefined): string => {
    // `{"time":…,` + fixed fields + the event's own members + raw ones: one stringify, no copy.
    const body = JSON.stringify(event);
    let text = `{"time":"${isoNow()}"${head}`;
    if (body.length > 2) text += `,${body.slice(1, -1)}`;
    if (raw !== undefined && raw !== '') text += `,${raw}`;
    return `${text}}\n`;
  };
  return (event, raw) => write(line(event, raw));
}
