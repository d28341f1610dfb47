// The process lifecycle of `tlsterm serve`: load the plan, then run the primary (supervisor, signals,
// pid file, ACME, drain on stop); the workers run cluster/worker-main.ts. The CLI only parses arguments.

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import process from 'node:process';
import type { Plan } from '../config/plan.ts';
import { createLogOutput, type LogOutput, processMetrics, tapAcmeOrders } from '../observe/index.ts';
import { startAcmeService } from './acme/index.ts';
import {
  type AdminListener,
  createAdminSources,
  createKeylogSession,
  metricsService,
  startAdminListener,
  tapBackendHealth,
} from './admin/index.ts';
import {
  instanceKey,
  type ReloadOutcome,
  removePidFile,
  SERVING_EXEC,
  serialReload,
  servingExec,
  startSupervisor,
  statusFilePath,
  writePidFile,
  writeStatus,
} from './cluster/index.ts';
import { compactHeap } from './compact-heap.ts';
import { takeEarlySighup } from './early-signals.ts';
import { configureLog, reopenEverywhere } from './log-reopen.ts';
import { inspectorRefusal, takeOverSigusr1 } from './no-inspector.ts';
import { type OcspService, startOcspService } from './ocsp/index.ts';
import { loadPlanInChild, type PlanFileLoad, type PlanSource, saysSingleProcess } from './plan-load.ts';
import { dropPrivileges, handOver, privilegeRefusal } from './privileges.ts';
import { monotonicUsec, systemdNotifier } from './systemd-notify.ts';

/** Carries a reload asked for before single_process's exec across it. */
const RELOAD_ON_START = 'TLSTERM_RELOAD_ON_START';

/** single_process's exec (worker-env.ts), with a reload asked for before it carried over. */
const servingExecNow = (reloadRequested: boolean) => {
  const exec = servingExec(process.execPath, process.execArgv, process.argv, process.env, existsSync);
  if (exec === undefined || process.execve === undefined) return undefined;
  return reloadRequested ? { ...exec, env: { ...exec.env, [RELOAD_ON_START]: '1' } } : exec;
};

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

/**
 * The plan from the config file (or the embedded default), with the problems as text. Read and
 * checked in a child that exits once it has answered: no process of the instance keeps the check's
 * modules loaded (plan-load.ts).
 */
async function loadPlan(source: PlanSource, output: LogOutput): Promise<PlanFileLoad> {
  const loaded = await loadPlanInChild(source, output.log);
  if (!loaded.ok) return loaded;
  // The plan's `log:` from here on (a reload may change the file, format or level).
  const why = configureLog(output, loaded.plan);
  return why === undefined ? loaded : { ok: false, why };
}

export interface ServeOptions {
  /** YAML config; undefined = the embedded default. */
  readonly configFile?: string | undefined;
  readonly stateDir?: string | undefined;
  /** Overrides the config's `workers:`. */
  readonly workers?: number | undefined;
  /** Human-readable notices (start-up banner, refused reloads); the CLI writes them to stderr. */
  readonly notice?: (text: string) => void;
}

/**
 * Runs a tlsterm instance until it is stopped: in the cluster primary, the supervisor, signals, the
 * pid file and ACME; in a worker, the servers. Resolves to the process's exit status.
 */
export async function runServe(options: ServeOptions): Promise<number> {
  const { configFile, stateDir, workers } = options;
  const notice = options.notice ?? ((text: string) => process.stderr.write(text));
  // This is the primary: the workers run cluster/worker-main.ts, not this.
  const output = createLogOutput({});
  // Lines still buffered for the log file are written before the process ends, however it ends.
  process.once('exit', () => output.flushSync());
  // The primary's log is tapped for the state backend's up/down (the admin API's readiness).
  // ACME runs in the primary: only its log is tapped for tlsterm_acme_orders.
  const tapped = tapBackendHealth(tapAcmeOrders(output.log, processMetrics));
  const log = tapped.log;
  const load = () => loadPlan({ configFile, stateDir }, output);
  const refusal = inspectorRefusal();
  if (refusal !== undefined) {
    notice(`tlsterm: ${refusal}\nhint: unset NODE_OPTIONS or drop the --inspect flag\n`);
    return 1;
  }
  takeOverSigusr1(() => reopenEverywhere(output));

  // Signals are caught from the start: a SIGHUP while starting is a reload once started (its
  // default action would kill the process), a SIGTERM a stop; a second SIGTERM/SIGINT means now.
  let reloadRequested = false;
  let onReload = () => {
    reloadRequested = true;
  };
  let stopSignals = 0;
  let onStop: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    onStop = resolve;
  });
  const stopSignal = () => {
    if (++stopSignals === 1) return onStop();
    log({ event: 'stopped', pid: process.pid, drained: false });
    process.exit(1);
  };
  process.on('SIGHUP', () => onReload());
  // One that came while the modules loaded (bin/tlsterm held it) is a reload too, as is one that came
  // before single_process replaced the process (below).
  if (takeEarlySighup() || process.env[RELOAD_ON_START] === '1') reloadRequested = true;
  delete process.env[RELOAD_ON_START];
  process.on('SIGTERM', stopSignal);
  process.on('SIGINT', stopSignal);
  const notify = systemdNotifier(process.env, log);

  // single_process: this process serves, and what a worker gets at its start (V8's flags, the
  // allocator) can only be given at start: the process replaces itself once (same pid;
  // worker-env.ts). Not when a stop came meanwhile (the exec would lose it: this process then
  // starts and stops as it is).
  const execToServe = () => {
    if (stopSignals > 0) return;
    const exec = servingExecNow(reloadRequested);
    if (exec === undefined) return;
    output.flushSync();
    try {
      process.execve?.(process.execPath, exec.argv, exec.env);
    } catch (error) {
      log({ event: 'serving_heap_unsized', level: 'warning', detail: (error as Error).message });
    }
  };
  // A config that says single_process is only peeked at before the exec, so that it is checked once,
  // after it.
  const peeked =
    process.env[SERVING_EXEC] !== '1' && configFile !== undefined && (await saysSingleProcess(configFile));
  if (peeked) execToServe();
  const first = await load();
  if (!first.ok) {
    notice(
      `${first.why}\ntlsterm: not starting: fix the errors above (\`tlsterm check -c FILE\` lists them)\n`,
    );
    return 1;
  }
  const plan: Plan = first.plan;
  if (plan.singleProcess === true && workers !== undefined && workers !== 1) {
    notice(
      `tlsterm: not starting: --workers ${workers}: the config says single_process (one process serves)\n` +
        'hint: drop --workers, or drop single_process from the config\n',
    );
    return 1;
  }
  const refused = privilegeRefusal(plan.runAs, process.getuid?.());
  if (!refused.ok) {
    notice(`tlsterm: not starting: ${refused.why}\nhint: ${refused.hint}\n`);
    return 1;
  }
  // The peek did not see it (or could not read the file): the exec comes after the check then.
  if (plan.singleProcess === true && !peeked) execToServe();
  // The config's warnings, once.
  if (first.warnings !== undefined) notice(`${first.warnings}\n`);
  if (configFile === undefined) {
    const dir = plan.stateDir;
    notice(
      `tlsterm: embedded default — no config given\n` +
        `  state directory: ${dir}\n` +
        `  local CA: ${dir}/ca/ca.pem — trust it to avoid browser warnings, e.g.\n` +
        `    curl --cacert ${dir}/ca/ca.pem https://localhost:8443/\n` +
        `    sudo cp ${dir}/ca/ca.pem /usr/local/share/ca-certificates/tlsterm-local-ca.crt && sudo update-ca-certificates\n`,
    );
  }
  // OCSP: fetched here, stapled by the workers. Must-staple certificates get their first response
  // before any worker listens; the others are fetched in the background.
  let publish: (fingerprint: string, der: Uint8Array | undefined, nextUpdate: number) => void = () => {};
  const ocsp: OcspService = await startOcspService({
    plan,
    log,
    publish: (fingerprint, der, nextUpdate) => publish(fingerprint, der, nextUpdate),
  });
  // The admin listener binds first: /healthz answers while the workers start, /readyz says so.
  let admin: AdminListener | undefined;
  if (plan.admin !== undefined) {
    try {
      admin = await startAdminListener(plan.admin, log);
    } catch (error) {
      notice(
        `tlsterm: not starting: the admin listener cannot listen on ${plan.admin.host}:${plan.admin.port}: ${(error as Error).message}\n` +
          'hint: choose a free port in admin.address, or stop what holds it\n',
      );
      return 1;
    }
  }
  // A first generation that cannot start ends the process: the admin listener must not hold it.
  const supervisor = await startSupervisor({
    initial: plan,
    greeting: () =>
      ocsp.latest().map(([fingerprint, der, nextUpdate]) => ({ type: 'ocsp', fingerprint, der, nextUpdate })),
    load: async () => {
      const next = await load();
      if (!next.ok) notice(`tlsterm: reload refused, the old config keeps serving:\n${next.why}\n`);
      return next;
    },
    log,
    workers: (p) => {
      const n =
        p.singleProcess === true
          ? 1
          : (workers ?? (p.workers === 'auto' ? os.availableParallelism() : p.workers));
      // Inherited by the workers forked next (cluster.fork adds to process.env): see createLogOutput.
      process.env['TLSTERM_WORKERS'] = String(n);
      return n;
    },
  }).catch(async (error: unknown) => {
    await admin?.server.close();
    throw error;
  });
  publish = (fingerprint, der, nextUpdate) =>
    supervisor.broadcast({ type: 'ocsp', fingerprint, der, nextUpdate });
  for (const a of supervisor.addresses) {
    const host = a.address.includes(':') ? `[${a.address}]` : a.address;
    notice(`tlsterm: listener ${a.listener} on ${a.scheme}://${host}:${a.port}/\n`);
  }
  const key = await instanceKey(configFile);
  const pidFile = await writePidFile(plan.stateDir, key).catch((error: NodeJS.ErrnoException) => {
    log({
      event: 'pid_file_failed',
      level: 'warning',
      state_dir: plan.stateDir,
      error: error.code ?? error.message,
    });
    return undefined;
  });
  const statusFile = statusFilePath(plan.stateDir, key);
  const startedAt = new Date().toISOString();
  let seq = 0;
  const recordStatus = (outcome?: ReloadOutcome) =>
    writeStatus(statusFile, {
      pid: process.pid,
      config: key.config,
      generation: supervisor.generation,
      started_at: startedAt,
      ...(outcome === undefined
        ? {}
        : {
            last_reload: {
              seq: ++seq,
              at: new Date().toISOString(),
              ...outcome,
            },
          }),
    }).catch(() => {
      // The pid file's warning already says the state directory is not writable.
    });
  if (pidFile !== undefined) await recordStatus();
  log({
    event: 'started',
    pid: process.pid,
    listeners: supervisor.addresses,
    ...(plan.singleProcess === true ? { single_process: true } : {}),
  });
  setImmediate(compactHeap);
  // One process per host manages ACME certificates and checks expiry: this one, the primary.
  const acme = await startAcmeService({ plan, log });
  // user: — the workers dropped already; the primary follows, its state directory handed over first
  // (it keeps writing there: status, ACME).
  if (plan.runAs !== undefined && process.getuid?.() === 0) {
    const runAs = plan.runAs;
    await handOver(plan.stateDir, runAs).catch((e: NodeJS.ErrnoException) =>
      log({
        event: 'privileges_dropped',
        level: 'warning',
        user: runAs.user,
        detail: `state directory: ${e.code ?? e.message}`,
      }),
    );
    const dropped = dropPrivileges(runAs);
    if (!dropped.ok) {
      notice(`tlsterm: stopping: ${dropped.why}\nhint: ${dropped.hint}\n`);
      await acme.stop();
      await supervisor.stop();
      return 1;
    }
    log({
      event: 'privileges_dropped',
      user: runAs.user,
      uid: runAs.uid,
      group: runAs.group,
      gid: runAs.gid,
    });
  }
  void notify.send({
    READY: '1',
    STATUS: `serving generation ${supervisor.generation}`,
    MAINPID: String(process.pid),
  });
  let stopping = false;
  const keylog = createKeylogSession(supervisor, log);
  // SIGHUP, `tlsterm reload` and POST /api/v1/reload all run this; one more queues behind a running one.
  const reloadInstance = serialReload(async () => {
    void notify.send({ RELOADING: '1', MONOTONIC_USEC: monotonicUsec(), STATUS: 'reloading' });
    const outcome = await supervisor.reload();
    if (outcome.ok) {
      const next = supervisor.plan;
      ocsp.update(next);
      await acme
        .update(next)
        .catch((e: unknown) => log({ event: 'certificate_manager_error', level: 'error', error: String(e) }));
      await keylog.resume();
    }
    if (pidFile !== undefined) await recordStatus(outcome);
    void notify.send({
      READY: '1',
      STATUS: outcome.ok
        ? `serving generation ${outcome.generation}`
        : `reload failed (${outcome.reason}); serving generation ${outcome.generation}`,
    });
    setImmediate(compactHeap);
    return outcome;
  });
  onReload = () => {
    if (!stopping) void reloadInstance();
  };
  admin?.attach(
    createAdminSources({
      supervisor,
      backend: tapped.health,
      reloadInstance,
      keylog,
      configFile,
      version: packageVersion(),
      startedAt: Date.now() - process.uptime() * 1000,
    }),
  );
  const metrics =
    admin === undefined
      ? undefined
      : metricsService(supervisor, tapped.health, {
          keylogOn: () => keylog.state()['on'] === true,
        });
  for (const route of metrics?.routes ?? []) admin?.routes.add(route);
  if (reloadRequested) onReload();
  await stopRequested;
  stopping = true;
  void notify.send({ STOPPING: '1', STATUS: 'draining' });
  metrics?.stop();
  log({ event: 'stopping', pid: process.pid });
  await keylog.stop('shutdown');
  await acme.stop();
  await ocsp.stop();
  const cut = await supervisor.stop();
  await admin?.server.close();
  if (pidFile !== undefined) await Promise.all([removePidFile(pidFile), removePidFile(statusFile)]);
  log({ event: 'stopped', pid: process.pid, drained: true, cut });
  return 0;
}
