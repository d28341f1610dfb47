// The primary asks its workers for what only they hold (certificates in service, connections,
// ticket keys as they use them, recent events) and for key log orders: one message per worker with
// a seq, answers gathered until every worker answered or the bound passed. A worker that did not
// answer in time is named, never waited on further.

import type { AdminAnswer, AdminAsk } from '../admin/asks.ts';
import type { ToWorker } from './messages.ts';
import type { WorkerHandle } from './worker-handle.ts';

/** How long the primary waits for the workers' answers. */
export const ASK_WAIT_MS = 2000;

export interface WorkerAnswers {
  readonly answers: readonly { readonly pid: number; readonly answer: AdminAnswer }[];
  /** Workers asked that did not answer in time (pids). */
  readonly missing: readonly number[];
}

export interface WorkerAsker {
  ask(workers: readonly WorkerHandle[], ask: AdminAsk, waitMs?: number): Promise<WorkerAnswers>;
  /** An `admin-answer` from a worker. */
  answered(seq: number, worker: WorkerHandle, answer: AdminAnswer): void;
}

export function createWorkerAsker(send: (worker: WorkerHandle, message: ToWorker) => void): WorkerAsker {
  let seq = 0;
  const pending = new Map<number, (worker: WorkerHandle, answer: AdminAnswer) => void>();
  return {
    ask(workers, ask, waitMs = ASK_WAIT_MS) {
      const n = ++seq;
      // By worker, not pid: with single_process, two generations in a reload share the pid.
      const waiting = new Set(workers);
      const answers: { pid: number; answer: AdminAnswer }[] = [];
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pending.delete(n);
          resolve({ answers, missing: [...waiting].map((w) => w.process.pid ?? 0) });
        };
        const timer = setTimeout(done, waitMs);
        pending.set(n, (worker, answer) => {
          if (!waiting.delete(worker)) return;
          answers.push({ pid: worker.process.pid ?? 0, answer });
          if (waiting.size === 0) done();
        });
        if (waiting.size === 0) return done();
        for (const w of workers) send(w, { type: 'admin-ask', seq: n, ask });
      });
    },
    answered(seq, worker, answer) {
      pending.get(seq)?.(worker, answer);
    },
  };
}
