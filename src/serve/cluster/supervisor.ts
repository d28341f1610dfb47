// The cluster primary: it serves nothing itself. It forks the workers (each accepts on the shared
// listening sockets: SCHED_NONE, no round-robin hand-off through the primary), holds the
// resumption state they share, restarts a worker that dies, and replaces a generation of workers
// on reload: new workers start on the new config, and only once all of them listen are the old
// ones told to drain (finish their connections within the deadline, then exit). A config that
// does not check keeps the old generation serving. With single_process, each generation is served in
// this process instead (inline-worker.ts), over the same messages: the rest of this file is the same.

import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../config/plan.ts';
import { type Logger, processMetrics } from '../../observe/index.ts';
import type { AdminAsk } from '../admin/asks.ts';
import { createListenerPool } from '../listener-pool.ts';
import { workerExecArgv } from '../no-inspector.ts';
import { addCounts, type ResumptionCounts, resumptionSummary } from '../resumption/index.ts';
import { isToPrimary, type ToWorker, type WorkerAddress } from './messages.ts';
import { createMetricsGatherer, type InstanceMetrics } from './metrics-gather.ts';
import { encodePlan, type PlanWire } from './plan-wire.ts';
import { type GenerationHealth, generationHealth } from './primary-health.ts';
import { createPrimaryStates, type GenerationState } from './primary-state.ts';
import { openRateRelay, type RateRelay } from './rate-relay.ts';
import type { PlanLoad, ReloadOutcome } from './reload.ts';
import { restartOnlyChange } from './restart-only.ts';
import { claimReusePorts } from './reuse-port-claim.ts';
import { createWorkerAsker, type WorkerAnswers } from './worker-asks.ts';
import { compileCacheEnv, workerAllocatorEnv, workerGcArgv } from './worker-env.ts';
import type { WorkerHandle } from './worker-handle.ts';

export interface SupervisorOptions {
  /** The plan of the first generation (already checked). */
  readonly initial: Plan;
  /** Reads and checks the config again, on every reload. */
  readonly load: () => Promise<PlanLoad>;
  readonly log: Logger;
  /** Workers per generation, resolved ('auto' already turned into a number). */
  readonly workers: (plan: Plan) => number;
  /** How often the resumption summary is logged; default 60 s. */
  readonly summaryMs?: number;
  /** Messages a worker is sent once it listens (e.g. the OCSP responses held). */
  readonly greeting?: () => readonly ToWorker[];
}

export interface Supervisor {
  readonly addresses: readonly WorkerAddress[];
  readonly plan: Plan;
  /** The generation serving. */
  readonly generation: number;
  /** Start a new generation on the current config; the outcome says why the old one was kept. */
  reload(): Promise<ReloadOutcome>;
  /** The serving generation and every live worker (for the admin API and readiness). */
  view(): ClusterView;
  /** Ask the serving generation's workers (all workers: `everyGeneration`); bounded wait. */
  ask(ask: AdminAsk, everyGeneration?: boolean): Promise<WorkerAnswers>;
  /** Drain every worker and release the state; resolves with the connections cut at the deadline. */
  stop(): Promise<number>;
  /** Send to every worker of every generation. */
  broadcast(message: ToWorker): void;
  /** One scrape of the whole instance: every worker's share (each waited for at most `timeoutMs`). */
  metrics(timeoutMs?: number): Promise<InstanceMetrics>;
}

export interface ClusterView {
  readonly generation: number;
  /** Workers the serving generation should have. */
  readonly expected: number;
  readonly workers: readonly { readonly pid: number; readonly generation: number; readonly ready: boolean }[];
}

interface Generation {
  readonly id: number;
  /** Workers that said they listen (pids). */
  readonly ready: Set<number>;
  size: number;
  readonly plan: Plan;
  /** The plan as the workers receive it (encoded once per generation). */
  readonly wire: PlanWire;
  readonly state: GenerationState;
  /** Pool health, decided here once for the generation's workers. */
  readonly health: GenerationHealth;
  readonly workers: Set<WorkerHandle>;
  draining: boolean;
  /** Set once it takes the connections: until then a worker that dies fails the start (waitReady). */
  serving: boolean;
  /** Set by the first retire: a stop during a reload's drain waits for that one. */
  retired?: Promise<DrainOutcome>;
  /** Connections cut at the drain deadline, as the workers report them. */
  cut: number;
}

/** The primary's own generations (single_process): how to start one, and the sockets they share. */
const inlineWorkers = async () => ({
  start: (await import('./inline-worker.ts')).startInlineWorker,
  pool: createListenerPool(),
});

export interface DrainOutcome {
  readonly generation: number;
  readonly cut: number;
}

/** A worker that keeps dying is restarted no faster than this. */
const RESTART_DELAY_MS = 1000;
/** Extra time after the drain deadline before a worker that did not exit is killed. */
const KILL_MARGIN_MS = 2000;
/** How long a generation may take to listen. */
const START_TIMEOUT_MS = 30_000;

export async function startSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  const { log } = options;
  // single_process: each generation is served here (inline-worker.ts, loaded only then: it brings
  // the data path), its listening sockets from one pool that outlives the generations.
  const inline = options.initial.singleProcess === true ? await inlineWorkers() : undefined;
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  // Workers hold the private keys too: no inspector signal handler, not even before their first line
  // runs; --expose-gc lets a worker give memory back after a load (memory-relief.ts).
  // Workers run worker-main (not the CLI), with the compile cache the primary uses (no TypeScript
  // stripper loaded in a worker: ~20 MiB).
  if (inline === undefined)
    cluster.setupPrimary({
      exec: fileURLToPath(new URL(`./worker-main${extname(import.meta.url)}`, import.meta.url)),
      args: [],
      serialization: 'advanced',
      execArgv: workerGcArgv(workerExecArgv(), process.env['NODE_OPTIONS']),
    });
  const compileCache = compileCacheEnv();
  const allocator = workerAllocatorEnv(process.env, existsSync);
  if (!allocator.ok) log({ event: 'worker_allocator', level: 'warning', detail: allocator.why });
  const workerEnv = allocator.ok ? allocator.env : {};
  const generations = new Set<Generation>();
  const counts = new Map<string, ResumptionCounts>();
  let stopping = false;
  /** Rate-limit batches to and from the other instances (state: redis); set once serving. */
  let relay: RateRelay | null = null;
  let nextId = 1;

  const states = createPrimaryStates(log, (key, message) => {
    for (const g of generations) if (g.state.uses(key)) for (const w of g.workers) send(w, message);
  });

  const send = (worker: WorkerHandle, message: ToWorker): void => {
    if (worker.isConnected()) worker.send(message);
  };

  const gatherer = createMetricsGatherer((worker, message) => send(worker, message));
  const asker = createWorkerAsker((w, m) => send(w, m));

  const fork = (g: Generation): WorkerHandle => {
    const worker =
      inline?.start({ plan: g.plan, log, listen: inline.pool.generation() }) ??
      cluster.fork({
        ...workerEnv,
        ...compileCache,
        TLSTERM_GENERATION: String(g.id),
      });
    g.workers.add(worker);
    worker.on('message', (m: unknown) => {
      if (!isToPrimary(m)) return;
      if (m.type === 'ready') g.ready.add(worker.process.pid ?? 0);
      if (m.type === 'admin-answer') return asker.answered(m.seq, worker, m.answer);
      if (m.type === 'plan-get') return send(worker, { type: 'plan', plan: g.wire });
      if (m.type === 'drained') {
        g.cut += m.cut;
        return;
      }
      if (m.type === 'metrics') {
        gatherer.onShare(worker, m.seq, m.metrics);
        return;
      }
      if (m.type === 'ready') for (const greeting of options.greeting?.() ?? []) send(worker, greeting);
      if (m.type === 'rate-taken') {
        // Relayed to the worker's siblings (each keeps its own replica of the buckets) and, with
        // state: redis, to the other instances.
        for (const w of g.workers) if (w !== worker) send(w, m);
        relay?.publish(m.taken);
        return;
      }
      if (m.type === 'counts') {
        for (const [listener, c] of m.counts)
          counts.set(listener, addCounts(counts.get(listener) ?? { full: 0, ticket: 0, session_id: 0 }, c));
        return;
      }
      if (g.health.handle(m, (reply) => send(worker, reply))) return;
      g.state.handle(m, (reply) => send(worker, reply));
    });
    worker.on('exit', (code, signal) => {
      g.workers.delete(worker);
      gatherer.workerGone(worker);
      g.ready.delete(worker.process.pid ?? 0);
      if (g.draining || stopping || !g.serving) return;
      log({ event: 'worker_exited', pid: worker.process.pid, generation: g.id, code, signal });
      // A crash in a serving generation: replace the worker (after a pause, in case it keeps dying).
      if (current === g)
        setTimeout(() => {
          if (stopping || current !== g) return;
          const replacement = fork(g);
          waitReady(g, replacement).then(
            () => {
              processMetrics.workerRestarted();
              log({ event: 'worker_restarted', pid: replacement.process.pid, generation: g.id });
            },
            // It died too: its own exit handler schedules the next attempt.
            (error: Error) =>
              log({ event: 'worker_restart_failed', generation: g.id, detail: error.message }),
          );
        }, RESTART_DELAY_MS);
    });
    return worker;
  };

  const waitReady = (g: Generation, worker: WorkerHandle): Promise<WorkerAddress[]> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`worker ${worker.process.pid} did not start in time`)),
        START_TIMEOUT_MS,
      );
      const onMessage = (m: unknown) => {
        if (!isToPrimary(m)) return;
        if (m.type === 'ready') done(undefined, [...m.addresses]);
        else if (m.type === 'failed') done(new Error(m.message));
      };
      const onExit = (code: number | null) =>
        done(new Error(`worker exited (code ${code}) before listening`));
      const done = (error: Error | undefined, addresses?: WorkerAddress[]) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (error !== undefined) reject(error);
        else resolve(addresses ?? []);
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      void g;
    });

  const startGeneration = async (
    plan: Plan,
    running?: Plan,
  ): Promise<{ g: Generation; addresses: WorkerAddress[] }> => {
    const encoded = encodePlan(plan);
    if (!encoded.ok) throw new Error(encoded.why);
    if (inline === undefined) await claimReusePorts(plan, running);
    const state = await states.forPlan(plan);
    const workers = new Set<WorkerHandle>();
    const health = generationHealth(plan, log, (m) => {
      for (const w of workers) send(w, m);
    });
    const n = Math.max(1, options.workers(plan));
    const g: Generation = {
      id: nextId++,
      plan,
      wire: encoded.wire,
      state,
      health,
      workers,
      ready: new Set(),
      size: n,
      draining: false,
      serving: false,
      cut: 0,
    };
    generations.add(g);
    try {
      const started = await Promise.all(Array.from({ length: n }, () => waitReady(g, fork(g))));
      return { g, addresses: started[0] ?? [] };
    } catch (error) {
      await retire(g, 0);
      throw error;
    }
  };

  /** Tell a generation's workers to drain; resolves when they all exited (once per generation). */
  const retire = (g: Generation, deadlineMs: number): Promise<DrainOutcome> => {
    g.retired ??= drainGeneration(g, deadlineMs);
    return g.retired;
  };
  const drainGeneration = (g: Generation, deadlineMs: number): Promise<DrainOutcome> => {
    g.draining = true;
    const exits = [...g.workers].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          const kill = setTimeout(() => w.process.kill('SIGKILL'), deadlineMs + KILL_MARGIN_MS);
          w.once('exit', () => clearTimeout(kill));
          send(w, { type: 'drain', deadlineMs });
        }),
    );
    return Promise.all(exits).then(async () => {
      generations.delete(g);
      g.health.stop();
      await g.state.release();
      return { generation: g.id, cut: g.cut };
    });
  };

  let { g: current, addresses } = await startGeneration(options.initial);
  current.serving = true;
  // Opened for the first plan's state backend (a reload that changes `state:` needs a restart, as
  // for resumption state).
  relay = await openRateRelay(
    options.initial.state,
    log,
    options.initial.listeners.some((l) => l.sites.some((s) => s.filters?.rateLimit != null)),
    (taken) => {
      for (const w of current.workers) send(w, { type: 'rate-taken', taken });
    },
  );

  const summaryMs = options.summaryMs ?? 60_000;
  const summary = setInterval(() => {
    for (const [listener, c] of counts) {
      const event = resumptionSummary(listener, c, summaryMs);
      if (event !== undefined) log(event);
    }
    counts.clear();
  }, summaryMs);
  summary.unref();

  let reloading: Promise<ReloadOutcome> | undefined;
  const reload = async (): Promise<ReloadOutcome> => {
    const loaded = await options.load();
    const why = loaded.ok ? restartOnlyChange(loaded.plan, current.plan, inline !== undefined) : loaded.why;
    if (!loaded.ok || why !== undefined) {
      const detail = why ?? '';
      log({ event: 'reload_failed', reason: 'config', detail });
      return { ok: false, generation: current.id, reason: 'config', detail };
    }
    let next: { g: Generation; addresses: WorkerAddress[] };
    try {
      next = await startGeneration(loaded.plan, current.plan);
    } catch (error) {
      log({ event: 'reload_failed', reason: 'workers', detail: (error as Error).message });
      return { ok: false, generation: current.id, reason: 'workers', detail: (error as Error).message };
    }
    const old = current;
    current = next.g;
    current.serving = true;
    addresses = next.addresses;
    log({
      event: 'reloaded',
      generation: next.g.id,
      workers: next.g.workers.size,
      listeners: next.addresses,
      draining_generation: old.id,
    });
    const startedDrain = Date.now();
    void retire(old, loaded.plan.drainTimeoutMs).then(({ cut }) =>
      log({ event: 'drained', generation: old.id, drain_ms: Date.now() - startedDrain, cut }),
    );
    return { ok: true, generation: next.g.id };
  };

  return {
    get addresses() {
      return addresses;
    },
    get plan() {
      return current.plan;
    },
    get generation() {
      return current.id;
    },
    ask: (ask, everyGeneration = false) =>
      asker.ask(
        [...generations]
          .filter((g) => everyGeneration || g === current)
          .flatMap((g) => [...g.workers].filter((w) => w.isConnected())),
        ask,
      ),
    view: () => ({
      generation: current.id,
      expected: current.size,
      workers: [...generations].flatMap((g) =>
        [...g.workers].map((w) => ({
          pid: w.process.pid ?? 0,
          generation: g.id,
          ready: g.ready.has(w.process.pid ?? 0),
        })),
      ),
    }),
    reload: () => {
      // One reload at a time; a signal during one is answered by that one's outcome.
      reloading ??= reload().finally(() => {
        reloading = undefined;
      });
      return reloading;
    },
    broadcast(message) {
      for (const g of generations) for (const w of g.workers) send(w, message);
    },
    // Workers that listen (a starting one answers nothing yet: it is not silent, it is not there).
    metrics: (timeoutMs = 1000) =>
      gatherer.gather(
        [...generations].flatMap((g) => [...g.workers].filter((w) => g.ready.has(w.process.pid ?? 0))),
        timeoutMs,
      ),
    async stop() {
      stopping = true;
      clearInterval(summary);
      const outcomes = await Promise.all([...generations].map((g) => retire(g, current.plan.drainTimeoutMs)));
      await states.close();
      await relay?.close();
      return outcomes.reduce((sum, o) => sum + o.cut, 0);
    },
  };
}
