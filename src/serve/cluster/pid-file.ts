// The running instance's primary pid, in the state directory: how `tlsterm reload` finds whom to
// send SIGHUP (as nginx -s reload finds its master through nginx.pid).

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const pidFilePath = (stateDir: string): string => path.join(stateDir, 'tlsterm.pid');

export async function writePidFile(stateDir: string): Promise<string> {
  const file = pidFilePath(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${process.pid}\n`);
  return file;
}

export const removePidFile = (file: string): Promise<void> => rm(file, { force: true });

export type SignalOutcome =
  | { readonly ok: true; readonly pid: number }
  | { readonly ok: false; readonly why: string; readonly hint: string };

/** Send `signal` to the instance whose pid file is in `stateDir`. */
export async function signalInstance(stateDir: string, signal: NodeJS.Signals): Promise<SignalOutcome> {
  const file = pidFilePath(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {
      ok: false,
      why: `no running tlsterm found: ${file} does not exist`,
      hint: 'start it with `tlsterm serve -c FILE`, or give the state directory it uses (--state-dir)',
    };
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 1)
    return { ok: false, why: `${file} holds no process id`, hint: 'remove the file and restart tlsterm' };
  try {
    process.kill(pid, signal);
    return { ok: true, pid };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ESRCH'
      ? {
          ok: false,
          why: `tlsterm (pid ${pid}, from ${file}) is not running`,
          hint: 'start it again; the pid file is stale',
        }
      : { ok: false, why: `cannot signal pid ${pid}: ${code}`, hint: 'run as the user that runs tlsterm' };
  }
}
