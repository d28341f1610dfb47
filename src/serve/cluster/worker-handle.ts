// What the primary holds of a worker: a cluster worker (another process), or, with single_process,
// the generation serving inside the primary itself (inline-worker.ts). Both speak the same messages
// (messages.ts), so the supervisor, the metrics scrape and the admin asks do not tell them apart.

import type { ToWorker } from './messages.ts';

export interface WorkerHandle {
  readonly process: { readonly pid?: number | undefined; kill(signal?: NodeJS.Signals): boolean };
  send(message: ToWorker): boolean;
  isConnected(): boolean;
  isDead(): boolean;
  on(name: 'message', listener: (message: unknown) => void): unknown;
  on(name: 'exit', listener: (code: number | null, signal: string | null) => void): unknown;
  once(name: 'exit', listener: () => void): unknown;
  off(name: 'message', listener: (message: unknown) => void): unknown;
  off(name: 'exit', listener: (code: number | null) => void): unknown;
}
