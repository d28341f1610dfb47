// The key log (`keylog:`): the TLS secrets of every terminated connection, in NSS key log format
// (what Wireshark reads), from Node's 'keylog' event. Whoever reads the file can decrypt the
// traffic, so: mode 0600 (also forced on a file that existed looser), opened for append (each
// worker appends; O_APPEND and one write per line keep lines whole), loud at open, and bounded by a
// size cap: past it, lines are dropped (one `keylog_full` line says so) until the file shrinks, e.g.
// truncated or rotated by hand. Never a throw on the data path: a failed write is logged once.

import type { Buffer } from 'node:buffer';
import fs from 'node:fs';
import type { Logger } from './logger.ts';

export interface KeyLogSettings {
  readonly file: string;
  /** The file stops growing past this size. */
  readonly maxBytes: number;
}

/** 64 MiB: a TLS 1.3 connection writes ~5 lines (~0.9 KiB), so some 70 000 connections. */
export const KEYLOG_DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface KeyLogWriter {
  /** One line as Node's 'keylog' event gives it (newline included). */
  readonly write: (line: Buffer) => void;
  close(): void;
}

/** Opens the key log, or logs why not and returns undefined (serving goes on without it). */
export function openKeyLogWriter(settings: KeyLogSettings, log: Logger): KeyLogWriter | undefined {
  const { file, maxBytes } = settings;
  let fd: number;
  try {
    fd = fs.openSync(file, 'a', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    log({ event: 'keylog_failed', level: 'error', file, error: code });
    return undefined;
  }
  let size = 0;
  try {
    const stat = fs.fstatSync(fd);
    size = stat.size;
    if ((stat.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
  } catch (error) {
    // Not ours to chmod: say so, the file stays as readable as it was.
    log({ event: 'keylog_mode', level: 'warning', file, error: (error as NodeJS.ErrnoException).code });
  }
  log({
    event: 'keylog_open',
    level: 'warning',
    file,
    max_bytes: maxBytes,
    detail:
      'the TLS secrets of every connection are written to this file; whoever reads it can decrypt the traffic',
  });
  let full = false;
  let failed = false;
  let closed = false;
  let sinceStat = 0;
  // One synchronous write per line: a few hundred bytes into the page cache, for a debugging
  // feature; it keeps lines whole and in order, none lost at exit, and the size exact.
  const write = (line: Buffer): void => {
    if (closed) return;
    // Other workers append too: the size is refreshed from the file every few lines (and near
    // the cap), which also notices a truncation.
    if (++sinceStat >= 16 || size + line.length > maxBytes) {
      sinceStat = 0;
      try {
        size = fs.fstatSync(fd).size;
      } catch {
        // keep the last known size
      }
    }
    if (size + line.length > maxBytes) {
      if (!full) log({ event: 'keylog_full', level: 'warning', file, max_bytes: maxBytes });
      full = true;
      return;
    }
    full = false;
    try {
      fs.writeSync(fd, line);
      size += line.length;
    } catch (error) {
      if (!failed) {
        failed = true;
        const e = error as NodeJS.ErrnoException;
        log({ event: 'keylog_failed', level: 'error', file, error: e.code ?? e.message });
      }
    }
  };
  return {
    write,
    close() {
      if (closed) return;
      closed = true;
      fs.close(fd, () => {});
    },
  };
}
