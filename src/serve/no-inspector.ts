// No inspector in a process that holds private keys and ticket keys: Node's inspector is code
// execution for whoever reaches its port. SIGUSR1 (which would open it on 127.0.0.1:9229) is taken
// over and means "reopen the log files"; an inspector asked for on the command line or in
// NODE_OPTIONS is a refusal to start, not something stripped silently (the operator asked for it
// and should hear why they do not get it).

import inspector from 'node:inspector';
import process from 'node:process';
import { nodeFlagWords } from './node-flags.ts';

/** Node flags that open the inspector (at start, on a signal, or with a port to open later). */
const INSPECTOR_FLAG = /^--(inspect|inspect-brk|inspect-wait|debug|debug-brk)(=|$)/;

/** The inspector flags in argv-like words (process.execArgv, NODE_OPTIONS split on spaces). */
export function inspectorFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  return nodeFlagWords(execArgv, nodeOptions).filter((w) => INSPECTOR_FLAG.test(w));
}

/** Why this process must not serve, or undefined: an inspector is open or was asked for. */
export function inspectorRefusal(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env['NODE_OPTIONS'],
  openUrl: string | undefined = inspector.url(),
): string | undefined {
  const flags = inspectorFlags(execArgv, nodeOptions);
  if (flags.length === 0 && openUrl === undefined) return undefined;
  const what = flags.length > 0 ? flags.join(' ') : `an open inspector (${openUrl})`;
  return `serve refuses to run with the Node inspector (${what}): it gives code execution in the process that holds the private keys`;
}

/**
 * SIGUSR1 becomes "reopen the log files" (log-reopen.ts; nothing to reopen while logs go to stdout).
 * A listener on SIGUSR1 is what keeps Node from opening the inspector; bin/tlsterm installs one first.
 */
export function takeOverSigusr1(reopen: () => void): void {
  process.on('SIGUSR1', reopen);
}

/**
 * execArgv for cluster workers: the parent's, with the inspector's signal handler never started
 * (not even before the worker's first line runs). Node then holds SIGUSR1 blocked in the worker:
 * reopening files is the primary's to do (it can tell its workers).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept = execArgv.filter((a) => !INSPECTOR_FLAG.test(a));
  return kept.includes('--disable-sigusr1') ? kept : [...kept, '--disable-sigusr1'];
}
