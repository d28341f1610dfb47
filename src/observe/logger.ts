// JSON lines on stdout. One line per call; callers never pass secrets (keys, TLS secrets).

export type Logger = (event: Record<string, unknown>) => void;

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
  const head = fixed === '' ? '' : `${fixed},`;
  const line = (event: Record<string, unknown>): string => {
    const body = JSON.stringify(event);
    // `{"time":…,` + fixed fields + the event's own members: one stringify, no copy of the event.
    return body.length > 2
      ? `{"time":"${isoNow()}",${head}${body.slice(1)}\n`
      : `{"time":"${isoNow()}"${fixed === '' ? '' : `,${fixed}`}}\n`;
  };
  return (event) => write(line(event));
}
