// SIGUSR1 = reopen the log file, as nginx does (logrotate: `postrotate kill -USR1 <primary>`).
// The primary reopens its own and tells every worker over IPC: workers run with --disable-sigusr1
// (no inspector, ever), so the signal itself never reaches them. One `log_reopen` line per signal.

import cluster from 'node:cluster';
import type { LogOutput } from '../observe/index.ts';
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
