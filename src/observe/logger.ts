// Log lines: JSON (one object per line) or text, to stdout or a file. One line per call; callers
// never pass secrets (keys, TLS secrets). Every line has `level`, from the event table unless the
// line says otherwise; lines below the configured level are dropped before anything is rendered.
import process from 'node:process';
import { EVENTS, type EventName } from './events.ts';
import { type LogFile, openLogFile } from './log-file.ts';
import { DEFAULT_LOG_SETTINGS, type LogLevel, type LogSettings, levelRank } from './log-settings.ts';
import { offerAllowed } from './offer-budget.ts';
import { textLine } from './text-line.ts';

/** One log line's members: an event from the table in events.ts, and its fields. */
export type LogEvent = { readonly event: EventName } & Readonly<Record<string, unknown>>;

/**
 * `offer`: the client's offer already rendered as JSON members (`"offered":{…}`), rendered once per
 * distinct offer, not per line. Written on failure events unless `log.handshake.offered: none` (and
 * then for the first few failures of a client address per 10 s: offer-budget.ts), on other events
 * only with `offered: all`.
 */
export type Logger = (event: LogEvent, offer?: string) => void;

export interface JsonLoggerOptions {
  /** Fields every line has, after `time` and `level` (e.g. the worker's pid): rendered once. */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Workers of this instance: lines every worker writes for one fact say `"workers":N`. */
  readonly workers?: number;
  /** Format, level and offered lists (the file is the writer's business). */
  readonly settings?: Pick<LogSettings, 'format' | 'level' | 'offered'>;
}

// The timestamp only changes once a millisecond; a busy server logs many lines in one. At a few
// lines per millisecond nearly every line still needs a new one, and Date's toISOString is ~20×
// the cost of appending the milliseconds to the second's prefix (600 against 30 ns in a loop; ~6 µs
// per handshake in the server's profile): the prefix is made once a second.
let lastMs = -1;
let lastIso = '';
let lastSecond = -1;
let secondPrefix = '';
export const isoNow = (ms = Date.now()): string => {
  if (ms !== lastMs) {
    lastMs = ms;
    const second = Math.floor(ms / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      // "2026-12-08T02:29:48." (toISOString's first 20 characters for years 0–9999)
      secondPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    }
    const milli = ms - second * 1000;
    lastIso = `${secondPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  }
  return lastIso;
};

type Spec = { readonly level: LogLevel; readonly perWorker?: true; readonly failure?: true } | undefined;
const specOf = (name: unknown): Spec => (EVENTS as Readonly<Record<string, Spec>>)[name as string];

const LIMITED = '"offered_limited":true';

/** A logger over a line writer, with settings that can change (`configure`). */
export interface ConfigurableLogger {
  readonly log: Logger;
  configure(settings: Pick<LogSettings, 'format' | 'level' | 'offered'>): void;
}

export function createConfigurableLogger(
  write: (line: string) => void,
  options: JsonLoggerOptions = {},
): ConfigurableLogger {
  const fixedFields = options.fields ?? {};
  const fixed = options.fields === undefined ? '' : JSON.stringify(options.fields).slice(1, -1);
  const head = fixed === '' ? '' : `,${fixed}`;
  let settings = options.settings ?? DEFAULT_LOG_SETTINGS;
  let minRank = levelRank(settings.level);
  const workers = options.workers ?? 0;

  const log: Logger = (event, offer) => {
    const own = event['level'] as LogLevel | undefined;
    const spec = specOf(event.event);
    const level = own ?? spec?.level ?? 'info';
    if (levelRank(level) < minRank) return;
    const o = settings.offered;
    let raw =
      offer === undefined || offer === '' || o === 'none' || (o === 'failures' && spec?.failure !== true)
        ? ''
        : offer;
    // By default a scanner's burst of failures carries its lists a few times, not a hundred.
    if (raw !== '' && o === 'failures' && !offerAllowed(event['client'])) raw = LIMITED;
    // A line that names its own level (rare: warnings, errors) is copied without it, so `level`
    // is written once, right after `time`.
    let e: Readonly<Record<string, unknown>> = own === undefined ? event : { ...event, level: undefined };
    if (workers > 1 && spec?.perWorker === true) e = { ...e, workers };
    if (settings.format === 'text') {
      write(textLine(isoNow(), level, e, fixedFields, raw));
      return;
    }
    const body = JSON.stringify(e);
    let text = `{"time":"${isoNow()}","level":"${level}"${head}`;
    if (body.length > 2) text += `,${body.slice(1, -1)}`;
    if (raw !== '') text += `,${raw}`;
    write(`${text}}\n`);
  };
  return {
    log,
    configure(next) {
      settings = next;
      minRank = levelRank(next.level);
    },
  };
}

export function createJsonLogger(
  write: (line: string) => void = (l) => process.stdout.write(l),
  options: JsonLoggerOptions = {},
): Logger {
  return createConfigurableLogger(write, options).log;
}

/** The process's log: stdout until `configure` names a file; `reopen` for SIGUSR1. */
export interface LogOutput extends ConfigurableLogger {
  configure(settings: LogSettings): void;
  /** Reopens the log file (SIGUSR1); the number of files reopened (0 while on stdout). */
  reopen(): number;
  /** Writes pending file lines synchronously (before exit). */
  flushSync(): void;
}

export function createLogOutput(
  options: Pick<JsonLoggerOptions, 'fields' | 'workers'> & { readonly onError?: (text: string) => void } = {},
): LogOutput {
  const onError = options.onError ?? ((text: string) => process.stderr.write(text));
  let file: LogFile | undefined;
  let fileName: string | undefined;
  // Lines logged in one turn of the event loop go to stdout in one write: stdout (a file, a pipe to
  // journald) is written synchronously, and a write(2) per request line was ~18% of a keep-alive
  // worker's CPU (profile in docs/benchmarks.md). Whole lines only; flushed at exit (flushSync).
  let stdoutLines: string[] = [];
  const flushStdout = () => {
    if (stdoutLines.length === 0) return;
    const text = stdoutLines.length === 1 ? (stdoutLines[0] ?? '') : stdoutLines.join('');
    stdoutLines = [];
    process.stdout.write(text);
  };
  const toStdout = (line: string) => {
    if (stdoutLines.push(line) === 1) setImmediate(flushStdout);
  };
  let sink: (line: string) => void = toStdout;
  const inner = createConfigurableLogger((line) => sink(line), options);
  return {
    log: inner.log,
    configure(settings) {
      if (settings.file !== fileName) {
        file?.flushSync();
        // Throws when the file cannot be opened: at start, the operator sees why.
        file = settings.file === undefined ? undefined : openLogFile(settings.file, onError);
        fileName = settings.file;
        const f = file;
        sink = f === undefined ? toStdout : (line) => f.write(line);
      }
      inner.configure(settings);
    },
    reopen() {
      if (file === undefined) return 0;
      return file.reopen() ? 1 : 0;
    },
    flushSync() {
      flushStdout();
      file?.flushSync();
    },
  };
}
