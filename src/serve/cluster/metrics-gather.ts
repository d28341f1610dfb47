// The primary's side of a scrape: ask every live worker for its metrics share over our IPC, wait a
// bounded time, and fold the answers with the primary's own share and the counts of workers that
// are gone. A worker that does not answer in time is reported (tlsterm_workers{answer="silent"},
// and by pid) and counted with its last share, never waited on. The share a worker leaves when it
// drains or dies is kept, so a reload or a restart does not make a counter go down.

import {
  type Aggregated,
  aggregateShares,
  countersOf,
  METRICS,
  type MetricJson,
  openConnections,
  processMetrics,
} from '../../observe/index.ts';
import type { ToWorker } from './messages.ts';
import type { WorkerHandle } from './worker-handle.ts';

export interface InstanceMetrics extends Aggregated {
  readonly answered: number;
  /** Pids of the workers that did not answer in time. */
  readonly silent: readonly number[];
  /** Each asked worker's open connections, from its last answer (a silent one's may be old). */
  readonly connectionsByWorker: ReadonlyMap<number, number>;
}

export interface MetricsGatherer {
  /** A 'metrics' message from a worker. */
  onShare(worker: WorkerHandle, seq: number, share: readonly MetricJson[]): void;
  /** The worker exited: its last share's counts become the instance's for good. */
  workerGone(worker: WorkerHandle): void;
  gather(workers: readonly WorkerHandle[], timeoutMs: number): Promise<InstanceMetrics>;
}

export function createMetricsGatherer(
  send: (worker: WorkerHandle, message: ToWorker) => void,
): MetricsGatherer {
  const last = new Map<WorkerHandle, readonly MetricJson[]>();
  let retired: MetricJson[][] = [];
  const waiting = new Map<number, Map<WorkerHandle, () => void>>();
  let nextSeq = 1;

  return {
    onShare(worker, seq, share) {
      last.set(worker, share);
      waiting.get(seq)?.get(worker)?.();
    },
    workerGone(worker) {
      const share = last.get(worker);
      last.delete(worker);
      if (share !== undefined) retired.push(countersOf(share));
    },
    async gather(workers, timeoutMs) {
      const seq = nextSeq++;
      const answers = new Map<WorkerHandle, () => void>();
      waiting.set(seq, answers);
      const silent: number[] = [];
      let answered = 0;
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                silent.push(w.process.pid ?? 0);
                resolve();
              }, timeoutMs);
              answers.set(w, () => {
                clearTimeout(timer);
                answered++;
                resolve();
              });
              if (w.isConnected()) send(w, { type: 'metrics-get', seq });
            }),
        ),
      );
      waiting.delete(seq);
      // Fold the retired shares into one now and then: the list stays short however many reloads.
      if (retired.length > 8) retired = [[...(await aggregateShares(retired)).json]];
      const own = processMetrics.snapshot();
      const workersGauge: MetricJson = {
        name: METRICS.workers.name,
        help: METRICS.workers.help,
        type: METRICS.workers.type,
        aggregator: METRICS.workers.aggregator,
        values: [
          { labels: { answer: 'ok' }, value: answered },
          { labels: { answer: 'silent' }, value: silent.length },
        ],
      };
      const shares = [own, [workersGauge], ...retired];
      const connectionsByWorker = new Map<number, number>();
      for (const w of workers) {
        const share = last.get(w);
        if (share === undefined) continue;
        shares.push(share as MetricJson[]);
        connectionsByWorker.set(w.process.pid ?? 0, openConnections(share));
      }
      return { ...(await aggregateShares(shares)), answered, silent, connectionsByWorker };
    },
  };
}
