// Where a trace report goes: stdout, or a file (0600: it holds session secrets). Writes to a file are
// queued in order and awaited by `close`, which reports the first failure instead of dropping it.

import { appendFile, writeFile } from 'node:fs/promises';
import process from 'node:process';

export interface ReportOutput {
  /** Appends text (in order). */
  append(text: string): void;
  /** Replaces the whole output (a file), or writes it (stdout). */
  replace(text: string): void;
  /** Resolves once everything is written; rejects with the first write error. */
  close(): Promise<void>;
}

export function reportOutput(file: string | undefined): ReportOutput {
  if (file === undefined)
    return {
      append: (text) => void process.stdout.write(text),
      replace: (text) => void process.stdout.write(text),
      close: async () => {},
    };
  let queue: Promise<void> = Promise.resolve();
  let failure: unknown;
  const enqueue = (work: () => Promise<void>): void => {
    queue = queue.then(work).catch((e: unknown) => {
      failure ??= e;
    });
  };
  return {
    append: (text) => enqueue(() => appendFile(file, text, { mode: 0o600 })),
    replace: (text) => enqueue(() => writeFile(file, text, { mode: 0o600 })),
    async close() {
      await queue;
      if (failure !== undefined) throw failure;
    },
  };
}
