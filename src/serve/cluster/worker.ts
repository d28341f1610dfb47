// A serving worker: serves the plan its primary checked (sent over the channel, plan-wire.ts) with the
// primary's resumption state, reports when it listens, sends its resumption counts, and drains
// when told to (or when the primary is gone). Signals are the primary's business (worker-main.ts
// ignores them in a worker process). With single_process, the primary runs this itself for each
// generation (inline-worker.ts), over an in-process link with the same messages.

import { createOcspStaples } from '../../certs/ocsp/index.ts';
import { TlstermError } from '../../errors.ts';
import { applyRateTaken, startRateSync } from '../../http/index.ts';
import { type Logger, type MetricJson, processMetrics } from '../../observe/index.ts';
import { createWorkerAdmin } from '../admin/worker-view.ts';
import type { Listen } from '../listener-pool.ts';
import { ocspCertificatesOf } from '../ocsp/index.ts';
import { dropPrivileges } from '../privileges.ts';
import { startServer } from '../server.ts';
import { startMemoryRelief } from './memory-relief.ts';
import { workerHealthLink } from './primary-health.ts';
import type { PlanLoad } from './reload.ts';
import type { WorkerLink } from './worker-link.ts';
import { workerResumption } from './worker-resumption.ts';

export interface WorkerOptions {
  readonly load: () => Promise<PlanLoad>;
  readonly log: Logger;
  /** The channel to the primary: the IPC pipe, or the in-process one of single_process. */
  readonly link: WorkerLink;
  /** This worker's metrics share; default the process's (inline: none, the process's is the primary's). */
  readonly share?: () => readonly MetricJson[];
  /** Where the listening sockets come from; default: bind (cluster shares the primary's socket). */
  readonly listen?: Listen;
  /** How often resumption counts go to the primary; default 10 s. */
  readonly countsMs?: number;
}

export async function runWorker(options: WorkerOptions): Promise<number> {
  const channel = options.link;
  const send = channel.send;
  const share = options.share ?? (() => processMetrics.snapshot());
  const loaded = await options.load();
  if (!loaded.ok) {
    send({ type: 'failed', message: loaded.why });
    return 1;
  }
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
      ...(options.listen !== undefined ? { listen: options.listen } : {}),
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
      else if (m.type === 'metrics-get') send({ type: 'metrics', seq: m.seq, metrics: share() });
    });
    // The channel closed without a drain order. (When the primary dies, Node's cluster ends the
    // worker before this runs — measured — so that is a cut, not a drain: keep the primary up.)
    channel.onClose(() => resolve(loaded.plan.drainTimeoutMs));
  });
  const deadlineMs = await drained;
  clearInterval(counts);
  stopRateSync();
  stopRelief();
  const cut = await server.drain(deadlineMs);
  send({ type: 'counts', counts: server.takeResumptionCounts() });
  // Its counts stay in the instance's after it is gone (the primary keeps this last share).
  send({ type: 'metrics', seq: 0, metrics: share() });
  await channel.farewell({ type: 'drained', cut });
  return 0;
}
