// A worker's side of the channel to its primary: the IPC pipe of a cluster worker, or the
// in-process pair of a generation served by the primary itself (inline-worker.ts).

import process from 'node:process';
import { isToWorker, type ToPrimary } from './messages.ts';
import type { WorkerChannel } from './worker-resumption.ts';

export interface WorkerLink extends WorkerChannel {
  /** The channel closed without a drain order (the primary is gone). */
  onClose(listener: () => void): void;
  /** The last message: sent, then the channel let go of (it would keep a worker process alive). */
  farewell(message: ToPrimary): Promise<void>;
}

/** A cluster worker's link: the process's IPC channel. */
export function processLink(): WorkerLink {
  const send = (m: ToPrimary): void => {
    if (process.connected) process.send?.(m);
  };
  return {
    send,
    onMessage(listener) {
      const handler = (m: unknown) => {
        if (isToWorker(m)) listener(m);
      };
      process.on('message', handler);
      return () => process.off('message', handler);
    },
    onClose: (listener) => process.once('disconnect', listener),
    async farewell(message) {
      await new Promise<void>((resolve) => {
        if (!process.connected || process.send === undefined) return resolve();
        process.send(message, () => resolve());
      });
      if (process.connected) process.disconnect();
    },
  };
}
