// The primary asks its workers for what only they hold (certificates in service, connections,
// ticket keys as they use them, recent events) and for key log orders: one message per worker with
// a seq, answers gathered until every worker answered or the bound passed. A worker that did not
// answer in time is named, never waited on further.

import type { Worker } from 'node:cluster';
import type { AdminAnswer, AdminAsk } from '../admin/asks.ts';
import type { ToWorker } from './messages.ts';

/** How long the primary waits for the workers' answers. */
export const ASK_WAIT_MS = 2000;

export interface WorkerAnswers {
  readonly answers: readonly { readonly pid: number; readonly answer: AdminAnswer }[];
  /** Workers asked that did not answer in time (pids). */
  readonly missing: readonly number[];
}

export interface WorkerAsker {
  ask(workers: readonly Worker[], ask: AdminAsk, waitMs?: number): Promise<WorkerAnswers>;
  /** An `admin-answer` from a worker. */
  answered(seq: number, pid: number, answer: AdminAnswer): void;
}

export function createWorkerAsker(send: (worker: Worker, message: ToWorker) => void): WorkerAsker {
  let seq = 0;
  const pending = new Map<number, (pid: number, answer: AdminAnswer) => void>();
  return {
    ask(workers, ask, waitMs = ASK_WAIT_MS) {
      const n = ++seq;
      const waiting = new Set(workers.map((w) => w.process.pid ?? 0));
      const answers: { pid: number; answer: AdminAnswer }[] = [];
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pending.delete(n);
          resolve({ answers, missing: [...waiting] });
        };
        const timer = setTimeout(done, waitMs);
        pending.set(n, (pid, answer) => {
          if (!waiting.delete(pid)) return;
          answers.push({ pid, answer });
          if (waiting.size === 0) done();
        });
        if (waiting.size === 0) return done();
        for (const w of workers) send(w, { type: 'admin-ask', seq: n, ask });
      });
    },
    answered(seq, pid, answer) {
      pending.get(seq)?.(pid, answer);
    },
  };
}
