// The running instance's files in the state directory: a pid file (how `tlsterm reload` finds whom
// to send SIGHUP, as nginx -s reload finds its master through nginx.pid) and a status file (how it
// learns the reload's outcome). Both are named after the config file's real path, so two instances
// of two configs sharing a state directory never answer for each other, and both say which config
// they belong to inside.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

/** Which instance: the config's real path, or the embedded default. */
export interface InstanceKey {
  /** 12 hex digits of the config's real path's SHA-256, or `default`. */
  readonly key: string;
  /** The config's real path, or `(embedded default)`. */
  readonly config: string;
}

export const EMBEDDED_DEFAULT = '(embedded default)';

export async function instanceKey(configFile: string | undefined): Promise<InstanceKey> {
  if (configFile === undefined) return { key: 'default', config: EMBEDDED_DEFAULT };
  // A missing file keeps its absolute path: the caller reports it later.
  const real = await realpath(configFile).catch(() => path.resolve(configFile));
  return { key: createHash('sha256').update(real).digest('hex').slice(0, 12), config: real };
}

export const pidFilePath = (stateDir: string, key: InstanceKey): string =>
  path.join(stateDir, `tlsterm-${key.key}.pid`);
export const statusFilePath = (stateDir: string, key: InstanceKey): string =>
  path.join(stateDir, `tlsterm-${key.key}.status.json`);

/** Written whole to a temporary name, then renamed: a reader never sees half a file. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, file);
}

/** The pid file: this process id, then the config it serves. */
export async function writePidFile(stateDir: string, key: InstanceKey): Promise<string> {
  const file = pidFilePath(stateDir, key);
  await writeAtomic(file, `${process.pid}\n${key.config}\n`);
  return file;
}

export const removePidFile = (file: string): Promise<void> => rm(file, { force: true });

export interface PidFile {
  readonly file: string;
  readonly pid: number;
  readonly config: string;
}

/** The pid files in `stateDir` (any config), as written; unreadable or damaged ones are left out. */
export async function readPidFiles(stateDir: string): Promise<PidFile[]> {
  const names = await readdir(stateDir).catch(() => [] as string[]);
  const found: PidFile[] = [];
  for (const name of names.filter((n) => /^tlsterm-[0-9a-z]+\.pid$/.test(n)).sort()) {
    const read = await readPidFile(path.join(stateDir, name));
    if (read !== undefined) found.push(read);
  }
  return found;
}

export async function readPidFile(file: string): Promise<PidFile | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const [first = '', config = ''] = text.split('\n');
  const pid = Number(first.trim());
  return Number.isInteger(pid) && pid > 1 ? { file, pid, config } : undefined;
}
