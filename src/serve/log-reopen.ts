// SIGUSR1 = reopen the log file, as nginx does (logrotate: `postrotate kill -USR1 <primary>`).
// The primary reopens its own and tells every worker over IPC: workers run with --disable-sigusr1
// (no inspector, ever), so the signal itself never reaches them. One `log_reopen` line per signal.

import cluster from 'node:cluster';
import process from 'node:process';
import type { Plan } from '../config/plan.ts';
import { DEFAULT_LOG_SETTINGS, type LogOutput } from '../observe/index.ts';
import type { ToWorker } from './cluster/index.ts';

const REOPEN: ToWorker = { type: 'log-reopen' };

/** In the primary: what SIGUSR1 does. */
export function reopenEverywhere(output: LogOutput): void {
  const files = output.reopen();
  for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) worker.send(REOPEN);
  output.log({ event: 'log_reopen', pid: process.pid, files });
}

/** In a worker: reopen when the primary says so. */
export function reopenOnRequest(output: LogOutput): void {
  process.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === REOPEN.type)
      output.reopen();
  });
}

/**
 * The plan's `log:` from here on (file, format, level), in the primary on each load and in each
 * worker on its plan. Why it could not be applied (the file cannot be opened), or undefined.
 */
export function configureLog(output: LogOutput, plan: Plan): string | undefined {
  try {
    output.configure(plan.log ?? DEFAULT_LOG_SETTINGS);
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return `log.file: cannot open ${plan.log?.file} (${e.code ?? e.message})`;
  }
}
