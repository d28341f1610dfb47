// The log file (`log.file`): opened for append (O_APPEND, mode 0640), written asynchronously in
// batches so a slow disk never stalls the event loop, and reopened by path on SIGUSR1 (logrotate's
// `postrotate kill -USR1`: the renamed file gets no more lines, the new one the next). Each batch is
// whole lines in one write(2) on an O_APPEND descriptor, so processes appending to one file never
// interleave inside a line. Never throws on the data path: a failed write is counted and said once.

import fs from 'node:fs';

/** Past this much unwritten text (a disk that does not keep up), lines are dropped and counted. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

export interface LogFile {
  write(line: string): void;
  /** Opens the path again; lines written from now on go to the new file. False if it failed. */
  reopen(): boolean;
  /** Writes what is pending synchronously (at exit). */
  flushSync(): void;
  /** Lines dropped (disk too slow or failing) since the file was opened. */
  readonly dropped: number;
}

const open = (file: string): number => fs.openSync(file, 'a', 0o640);

/** Opens `file` for append; throws if it cannot (at start, where the operator sees it). */
export function openLogFile(file: string, onError: (text: string) => void): LogFile {
  let fd = open(file);
  let pending: string[] = [];
  let pendingBytes = 0;
  let writing = false;
  /** The descriptor an fs.write is in flight on, or -1. */
  let inFlight = -1;
  let dropped = 0;
  let failed = false;

  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    const e = error as NodeJS.ErrnoException;
    onError(`tlsterm: writing the log file ${file} failed (${e.code ?? e.message}); lines are dropped\n`);
  };

  const flush = () => {
    if (pending.length === 0) {
      writing = false;
      return;
    }
    writing = true;
    const text = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    pendingBytes = 0;
    const target = fd;
    inFlight = target;
    fs.write(target, text, null, 'utf8', (error) => {
      inFlight = -1;
      if (error) {
        dropped++;
        fail(error);
      } else failed = false;
      // A reopen while this write was in flight left the old descriptor for us to close.
      if (target !== fd) fs.close(target, () => {});
      flush();
    });
  };

  return {
    write(line) {
      if (pendingBytes > MAX_PENDING_BYTES) {
        dropped++;
        return;
      }
      pending.push(line);
      pendingBytes += line.length;
      if (!writing) {
        writing = true;
        // Lines logged in the same turn of the event loop go out in one write.
        setImmediate(flush);
      }
    },
    reopen() {
      let next: number;
      try {
        next = open(file);
      } catch (error) {
        fail(error);
        return false;
      }
      const old = fd;
      fd = next;
      failed = false;
      // Pending lines were logged before the signal but go to the new file: nothing is lost.
      if (inFlight !== old) fs.close(old, () => {});
      return true;
    },
    flushSync() {
      if (pending.length === 0) return;
      const text = pending.join('');
      pending = [];
      pendingBytes = 0;
      try {
        fs.writeSync(fd, text);
      } catch (error) {
        fail(error);
      }
    },
    get dropped() {
      return dropped;
    },
  };
}
