// A serving worker: serves the plan its primary checked (sent over the channel, plan-wire.ts) with the
// primary's resumption state, reports when it listens, sends its resumption counts, and drains
// when told to (or when the primary is gone). Signals are the primary's business: a Ctrl-C that
// reaches the whole process group must not cut connections the primary is about to drain.

import { createOcspStaples } from '../../certs/ocsp/index.ts';
import { TlstermError } from '../../errors.ts';
import { applyRateTaken, startRateSync } from '../../http/index.ts';
import { type Logger, processMetrics } from '../../observe/index.ts';
import { createWorkerAdmin } from '../admin/worker-view.ts';
import { ocspCertificatesOf } from '../ocsp/index.ts';
import { dropPrivileges } from '../privileges.ts';
import { startServer } from '../server.ts';
import { startMemoryRelief } from './memory-relief.ts';
import { isToWorker, type ToPrimary, type ToWorker } from './messages.ts';
import { workerHealthLink } from './primary-health.ts';
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
  // The admin API's asks are answered from the start ("still starting" until the servers exist).
  const admin = createWorkerAdmin(options.log);
  channel.onMessage((m) => {
    if (m.type === 'admin-ask') send({ type: 'admin-answer', seq: m.seq, answer: admin.answer(m.ask) });
  });
  // OCSP: the primary fetches and sends verified responses; until then, the verified disk cache.
  const staples = createOcspStaples();
  channel.onMessage((m) => {
    if (m.type === 'ocsp') staples.put(m.fingerprint, m.der, m.nextUpdate);
  });
  await staples.loadFromDisk(
    loaded.plan.stateDir,
    ocspCertificatesOf(loaded.plan).map((c) => c.target),
  );
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(loaded.plan, admin.log, {
      resumption: workerResumption(channel),
      admin,
      ocsp: staples,
      health: workerHealthLink(channel),
    });
  } catch (error) {
    // The hint (what to do about a port in use, …) travels too: the primary and `tlsterm reload` show it.
    const hint = error instanceof TlstermError ? `\nhint: ${error.hint}` : '';
    send({ type: 'failed', message: `${(error as Error).message}${hint}` });
    return 1;
  }
  // user: — listening, keys read, key log open: give up root before serving a byte.
  if (loaded.plan.runAs !== undefined) {
    const dropped = dropPrivileges(loaded.plan.runAs);
    if (!dropped.ok) {
      await server.close();
      send({ type: 'failed', message: `${dropped.why}\nhint: ${dropped.hint}` });
      return 1;
    }
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
      else if (m.type === 'metrics-get')
        send({ type: 'metrics', seq: m.seq, metrics: processMetrics.snapshot() });
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
  // Its counts stay in the instance's after it is gone (the primary keeps this last share).
  send({ type: 'metrics', seq: 0, metrics: processMetrics.snapshot() });
  // The IPC channel keeps the process alive: say goodbye, then let go of it.
  await new Promise<void>((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send({ type: 'drained', cut } satisfies ToPrimary, () => resolve());
  });
  if (process.connected) process.disconnect();
  return 0;
}
