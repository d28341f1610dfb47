// The process lifecycle of `tlsterm serve`: load the plan, then either serve as a cluster worker or run
// the primary (supervisor, signals, pid file, ACME, drain on stop). The CLI only parses arguments.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import {
  buildDefaultPlan,
  checkConfigFile,
  defaultStateDir,
  formatProblems,
  hasErrors,
  type Plan,
} from '../config/index.ts';
import {
  createLogOutput,
  DEFAULT_LOG_SETTINGS,
  type Logger,
  type LogOutput,
  processMetrics,
  tapAcmeOrders,
} from '../observe/index.ts';
import { prepareAcmeSites, startAcmeService } from './acme/index.ts';
import {
  type AdminListener,
  createAdminSources,
  createKeylogSession,
  metricsService,
  startAdminListener,
  tapBackendHealth,
} from './admin/index.ts';
import {
  createReloadInstance,
  type PlanLoad,
  removePidFile,
  runWorker,
  startSupervisor,
  writePidFile,
} from './cluster/index.ts';
import { reopenEverywhere, reopenOnRequest } from './log-reopen.ts';
import { inspectorRefusal, takeOverSigusr1 } from './no-inspector.ts';
import { type OcspService, startOcspService } from './ocsp/index.ts';

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

/** The plan from the config file (or the embedded default), with the problems as text. */
async function loadPlan(
  configFile: string | undefined,
  stateDir: string | undefined,
  output: LogOutput,
): Promise<PlanLoad & { warnings?: string }> {
  const loaded = await loadPlanFile(configFile, stateDir, output.log);
  if (!loaded.ok) return loaded;
  // The plan's `log:` from here on (a reload may change the file, format or level).
  try {
    output.configure(loaded.plan.log ?? DEFAULT_LOG_SETTINGS);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { ok: false, why: `log.file: cannot open ${loaded.plan.log?.file} (${e.code ?? e.message})` };
  }
  return loaded;
}

async function loadPlanFile(
  configFile: string | undefined,
  stateDir: string | undefined,
  log: Logger,
): Promise<PlanLoad & { warnings?: string }> {
  if (configFile === undefined)
    return { ok: true, plan: await buildDefaultPlan(stateDir ?? defaultStateDir()) };
  const result = await checkConfigFile(configFile);
  const text = result.problems.length > 0 ? formatProblems(result.problems, configFile) : undefined;
  if (hasErrors(result.problems) || !result.plan) return { ok: false, why: text ?? 'the config has errors' };
  // ACME sites serve live/<name>/ (a placeholder until the first issuance; the primary writes it first).
  const plan = await prepareAcmeSites(result.plan, log);
  return { ok: true, plan, ...(text !== undefined ? { warnings: text } : {}) };
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
  // Every line a worker writes says which worker (rendered once by the logger, not per call).
  // A worker learns the worker count from the primary (TLSTERM_WORKERS, set before the fork).
  const output = createLogOutput(
    cluster.isWorker
      ? { fields: { worker: process.pid }, workers: Number(process.env['TLSTERM_WORKERS'] ?? 0) }
      : {},
  );
  // Lines still buffered for the log file are written before the process ends, however it ends.
  process.once('exit', () => output.flushSync());
  // The primary's log is tapped for the state backend's up/down (the admin API's readiness).
  // ACME runs in the primary: only its log is tapped for tlsterm_acme_orders.
  const tapped = tapBackendHealth(cluster.isWorker ? output.log : tapAcmeOrders(output.log, processMetrics));
  const log = tapped.log;
  const load = () => loadPlan(configFile, stateDir, output);
  const refusal = inspectorRefusal();
  if (refusal !== undefined) {
    notice(`tlsterm: ${refusal}\nhint: unset NODE_OPTIONS or drop the --inspect flag\n`);
    return 1;
  }
  takeOverSigusr1(() => reopenEverywhere(output));
  if (cluster.isWorker) {
    reopenOnRequest(output);
    return await runWorker({ load, log });
  }

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
  process.on('SIGTERM', stopSignal);
  process.on('SIGINT', stopSignal);

  const first = await load();
  if (!first.ok) {
    notice(
      `${first.why}\ntlsterm: not starting: fix the errors above (\`tlsterm check -c FILE\` lists them)\n`,
    );
    return 1;
  }
  if (first.warnings !== undefined) notice(`${first.warnings}\n`);
  const plan: Plan = first.plan;
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
      const n = workers ?? (p.workers === 'auto' ? os.availableParallelism() : p.workers);
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
  const pidFile = await writePidFile(plan.stateDir).catch((error: NodeJS.ErrnoException) => {
    log({
      event: 'pid_file_failed',
      level: 'warning',
      state_dir: plan.stateDir,
      error: error.code ?? error.message,
    });
    return undefined;
  });
  log({ event: 'started', pid: process.pid, listeners: supervisor.addresses });
  // One process per host manages ACME certificates and checks expiry: this one, the primary.
  const acme = await startAcmeService({ plan, log });
  const keylog = createKeylogSession(supervisor, log);
  const reloadInstance = createReloadInstance(
    supervisor,
    async (p) => {
      ocsp.update(p);
      await acme.update(p);
      await keylog.resume();
    },
    log,
  );
  onReload = () => void reloadInstance();
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
  metrics?.stop();
  log({ event: 'stopping', pid: process.pid });
  await keylog.stop('shutdown');
  await acme.stop();
  await ocsp.stop();
  const cut = await supervisor.stop();
  await admin?.server.close();
  if (pidFile !== undefined) await removePidFile(pidFile);
  log({ event: 'stopped', pid: process.pid, drained: true, cut });
  return 0;
}
