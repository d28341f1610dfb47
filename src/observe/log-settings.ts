// What `log:` in the config says: where lines go, in which format, from which level, and how much of
// a client's offer a handshake line carries. Owned here (the logger reads it); config builds it.

/** One spelling everywhere: the event table, the config and every line. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export type LogFormat = 'json' | 'text';
/** Which handshake lines carry the offered suite/group/sigalg lists. */
export type OfferedLists = 'failures' | 'all' | 'none';

export interface LogSettings {
  /** Append to this file (mode 0640, reopened on SIGUSR1); undefined = stdout. */
  readonly file?: string;
  readonly format: LogFormat;
  /** Lines below this level are not rendered. */
  readonly level: LogLevel;
  readonly offered: OfferedLists;
  /** Header carrying the request id toward the upstream; false = not sent. */
  readonly requestIdHeader: string | false;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

export const DEFAULT_LOG_SETTINGS: LogSettings = Object.freeze({
  format: 'json',
  level: 'info',
  offered: 'failures',
  requestIdHeader: 'x-request-id',
});

export const levelRank = (level: LogLevel): number => LOG_LEVELS.indexOf(level);
