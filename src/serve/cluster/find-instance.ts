// Which running instance `tlsterm reload` (or any later client) talks to: the one whose pid file is
// keyed by this config, or, without a config, the only one in the state directory. A pid is only
// trusted when that process is alive and is tlsterm: a stale pid file may name a pid the kernel
// has since given to another program.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import {
  instanceKey,
  type PidFile,
  pidFilePath,
  readPidFile,
  readPidFiles,
  statusFilePath,
} from './pid-file.ts';

export interface FoundInstance {
  readonly pid: number;
  readonly config: string;
  readonly pidFile: string;
  readonly statusFile: string;
}

export type FindOutcome =
  | ({ readonly ok: true } & FoundInstance)
  | { readonly ok: false; readonly why: string; readonly hint: string };

export type ProcessCheck =
  | { readonly state: 'tlsterm' }
  | { readonly state: 'gone' }
  | { readonly state: 'other'; readonly command: string };

/** Whether `pid` runs and is a tlsterm (by its command line, where /proc shows it). */
export async function checkProcess(pid: number): Promise<ProcessCheck> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, as another user; the signal will say so.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return { state: 'gone' };
  }
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (raw === undefined) return { state: 'tlsterm' }; // no /proc here: the pid file is all we have
  const args = raw.split('\0').filter((a) => a !== '');
  // `node …/bin/tlsterm serve …` (or a global install's …/tlsterm): the executable script's name.
  return args.some((a) => path.basename(a) === 'tlsterm')
    ? { state: 'tlsterm' }
    : { state: 'other', command: args.join(' ') || '?' };
}

const HINT_START = 'start it with `tlsterm serve -c FILE`, or give the state directory it uses (--state-dir)';

async function verify(found: PidFile, stateDir: string): Promise<FindOutcome> {
  const checked = await checkProcess(found.pid);
  if (checked.state === 'gone')
    return {
      ok: false,
      why: `tlsterm (pid ${found.pid}, from ${found.file}) is not running`,
      hint: 'start it again; the pid file is stale',
    };
  if (checked.state === 'other')
    return {
      ok: false,
      why: `pid ${found.pid} (from ${found.file}) is not tlsterm but \`${checked.command.slice(0, 200)}\``,
      hint: 'the pid file is stale (tlsterm was killed); remove it and start tlsterm again',
    };
  const key = path
    .basename(found.file)
    .replace(/\.pid$/, '')
    .replace(/^tlsterm-/, '');
  return {
    ok: true,
    pid: found.pid,
    config: found.config,
    pidFile: found.file,
    statusFile: statusFilePath(stateDir, { key, config: found.config }),
  };
}

/**
 * The instance serving `configFile` from `stateDir`; without a config, the only live one in
 * `stateDir` (several: name them and ask for -c).
 */
export async function findInstance(stateDir: string, configFile: string | undefined): Promise<FindOutcome> {
  if (configFile !== undefined) {
    const key = await instanceKey(configFile);
    const file = pidFilePath(stateDir, key);
    const found = await readPidFile(file);
    if (found === undefined)
      return {
        ok: false,
        why: `no running tlsterm of ${key.config} found: ${file} does not exist or holds no process id`,
        hint: HINT_START,
      };
    // The key is a hash: a file that names another config is one we must not act on.
    if (found.config !== key.config)
      return {
        ok: false,
        why: `${file} belongs to ${found.config}, not ${key.config}`,
        hint: 'remove the file and restart tlsterm',
      };
    return verify(found, stateDir);
  }
  const all = await readPidFiles(stateDir);
  const live: PidFile[] = [];
  for (const f of all) if ((await checkProcess(f.pid)).state === 'tlsterm') live.push(f);
  if (live.length === 1 && live[0] !== undefined) return verify(live[0], stateDir);
  if (live.length > 1)
    return {
      ok: false,
      why: `${live.length} tlsterm instances share ${stateDir}:\n${live.map((f) => `  pid ${f.pid}: ${f.config}`).join('\n')}`,
      hint: 'say which one with -c FILE',
    };
  const stale = all[0];
  if (stale !== undefined) return verify(stale, stateDir);
  return {
    ok: false,
    why: `no running tlsterm found: no pid file (tlsterm-*.pid) in ${stateDir}`,
    hint: HINT_START,
  };
}
