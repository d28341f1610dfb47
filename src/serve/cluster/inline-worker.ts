// single_process: a generation served by the primary itself. It runs the worker's code (worker.ts)
// over an in-process link that carries the same messages as a cluster worker's IPC, so the
// supervisor treats it as one more worker: it starts, says ready, drains and says drained. Messages
// are delivered on a microtask, in order, as IPC would deliver them later and in order. Its listening
// sockets come from the process's listener pool, so a reload's new generation takes the addresses
// over without a second bind. Loaded only by a primary that serves (it brings the data path).

import { EventEmitter } from 'node:events';
import process from 'node:process';
import type { Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import type { Listen } from '../listener-pool.ts';
import type { ToPrimary, ToWorker } from './messages.ts';
import { runWorker } from './worker.ts';
import type { WorkerHandle } from './worker-handle.ts';
import type { WorkerLink } from './worker-link.ts';

export interface InlineWorkerOptions {
  /** The generation's plan (already checked, in this process: nothing to send). */
  readonly plan: Plan;
  readonly log: Logger;
  readonly listen: Listen;
}

class InlineWorker extends EventEmitter implements WorkerHandle {
  readonly process: WorkerHandle['process'];
  readonly #toWorker = new Set<(m: ToWorker) => void>();
  #connected = true;
  #dead = false;

  constructor() {
    super();
    // A drain that outlives its deadline is let go of (the process cannot kill a part of itself;
    // the generation's connections were cut at the deadline already).
    this.process = { pid: process.pid, kill: () => this.exited(null, 'SIGKILL') };
  }

  send(message: ToWorker): boolean {
    if (!this.#connected) return false;
    queueMicrotask(() => {
      for (const listener of this.#toWorker) listener(message);
    });
    return true;
  }
  isConnected = (): boolean => this.#connected;
  isDead = (): boolean => this.#dead;

  /** The worker's end of the link. */
  link(): WorkerLink {
    const send = (m: ToPrimary): void => {
      if (this.#connected) queueMicrotask(() => this.emit('message', m));
    };
    return {
      send,
      onMessage: (listener) => {
        this.#toWorker.add(listener);
        return () => this.#toWorker.delete(listener);
      },
      // The primary is this process: it does not go away while its generations run.
      onClose: () => {},
      farewell: async (m) => {
        send(m);
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.#connected = false;
      },
    };
  }

  exited(code: number | null, signal: string | null): boolean {
    if (this.#dead) return false;
    this.#dead = true;
    this.#connected = false;
    this.#toWorker.clear();
    this.emit('exit', code, signal);
    return true;
  }
}

export function startInlineWorker(options: InlineWorkerOptions): WorkerHandle {
  const worker = new InlineWorker();
  void runWorker({
    load: async () => ({ ok: true, plan: options.plan }),
    log: options.log,
    link: worker.link(),
    // The counters are the process's, which the primary reports as its own share already.
    share: () => [],
    listen: options.listen,
  }).then(
    (code) => worker.exited(code, null),
    (error: unknown) => {
      options.log({ event: 'worker_exited', level: 'error', pid: process.pid, detail: String(error) });
      worker.exited(1, null);
    },
  );
  return worker;
}
