// The primary's status file, next to its pid file: which generation serves and how the last reload
// ended. `tlsterm reload` reads it before and after its signal, so it can tell the operator the
// outcome instead of "signal sent" (a reload that failed because a new port was taken used to exit 0).

import { readFile } from 'node:fs/promises';
import { writeAtomic } from './pid-file.ts';

export interface LastReload {
  /** Counts this primary's reloads, from 1. */
  readonly seq: number;
  readonly ok: boolean;
  /** The generation serving after it (the new one, or the old one kept). */
  readonly generation: number;
  /** When it failed: `config` or `workers`, and the words. */
  readonly reason?: string;
  readonly detail?: string;
  /** ISO time of the outcome. */
  readonly at: string;
}

export interface InstanceStatus {
  readonly pid: number;
  readonly config: string;
  readonly generation: number;
  readonly started_at: string;
  readonly last_reload?: LastReload;
}

export const writeStatus = (file: string, status: InstanceStatus): Promise<void> =>
  writeAtomic(file, `${JSON.stringify(status)}\n`);

/** The status as written, or undefined when there is none (yet) or it does not parse. */
export async function readStatus(file: string): Promise<InstanceStatus | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<InstanceStatus>;
    return typeof value.pid === 'number' && typeof value.generation === 'number'
      ? (value as InstanceStatus)
      : undefined;
  } catch {
    return undefined;
  }
}
