// A serving worker: builds its plan from the same config as the primary, serves it with the
// primary's resumption state, reports when it listens, sends its resumption counts, and drains
// when told to (or when the primary is gone). Signals are the primary's business: a Ctrl-C that
// reaches the whole process group must not cut connections the primary is about to drain.

import { applyRateTaken, startRateSync } from '../../http/index.ts';
import type { Logger } from '../../observe/index.ts';
import { startServer } from '../server.ts';
import { startMemoryRelief } from './memory-relief.ts';
import { isToWorker, type ToPrimary, type ToWorker } from './messages.ts';
import type { PlanLoad } from './supervisor.ts';
import { workerResumption } from './worker-resumption.ts';

export interface WorkerOptions {
  readonly load: () => Promise<PlanLoad>;
  readonly log: Logger;
  /** How often resumption counts go to the primary; default 10 s. */
  readonly countsMs?: number;
}

export async function runWorker(options: WorkerOptions): Promise<number> {
  const send = (m: ToPrimary) => {
    if (process.connected) process.send?.(m);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  const loaded = await options.load();
  if (!loaded.ok) {
    send({ type: 'failed', message: loaded.why });
    return 1;
  }
  const channel = {
    send,
    onMessage(listener: (m: ToWorker) => void) {
      const handler = (m: unknown) => {
        if (isToWorker(m)) listener(m);
      };
      process.on('message', handler);
      return () => process.off('message', handler);
    },
  };
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(loaded.plan, options.log, { resumption: workerResumption(channel) });
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
    return 1;
  }
  send({ type: 'ready', addresses: server.addresses });
  // Rate-limit buckets kept in step with the sibling workers (http/rules/rate-sync.ts).
  const stopRateSync = startRateSync((taken) => send({ type: 'rate-taken', taken }));
  channel.onMessage((m) => {
    if (m.type === 'rate-taken') applyRateTaken(m.taken);
  });
  const counts = setInterval(
    () => send({ type: 'counts', counts: server.takeResumptionCounts() }),
    options.countsMs ?? 10_000,
  );
  counts.unref();
  const stopRelief = startMemoryRelief(options.log);

  const drained = new Promise<number>((resolve) => {
    channel.onMessage((m) => {
      if (m.type === 'drain') resolve(m.deadlineMs);
    });
    // The channel closed without a drain order. (When the primary dies, Node's cluster ends the
    // worker before this runs — measured — so that is a cut, not a drain: keep the primary up.)
    process.once('disconnect', () => resolve(loaded.plan.drainTimeoutMs));
  });
  const deadlineMs = await drained;
  clearInterval(counts);
  stopRateSync();
  stopRelief();
  const cut = await server.drain(deadlineMs);
  send({ type: 'counts', counts: server.takeResumptionCounts() });
  // The IPC channel keeps the process alive: say goodbye, then let go of it.
  await new Promise<void>((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send({ type: 'drained', cut } satisfies ToPrimary, () => resolve());
  });
  if (process.connected) process.disconnect();
  return 0;
}
