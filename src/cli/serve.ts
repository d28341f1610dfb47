import cluster from 'node:cluster';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  buildDefaultPlan,
  checkConfigFile,
  defaultStateDir,
  formatProblems,
  hasErrors,
} from '../config/index.ts';
import type { Plan } from '../config/plan.ts';
import { createJsonLogger, type Logger } from '../observe/index.ts';
import { prepareAcmeSites } from '../serve/acme-prepare.ts';
import { startAcmeService } from '../serve/acme-service.ts';
import {
  type PlanLoad,
  removePidFile,
  runWorker,
  startSupervisor,
  writePidFile,
} from '../serve/cluster/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const SERVE_OPTIONS = `  -c, --config FILE     YAML config (see docs/configuration.md); without it, the embedded default
  --state-dir DIR       where the local CA and certificates live (default: $TLSTERM_STATE_DIR or
                        ~/.local/state/tlsterm)
  --workers N           serving processes (default: the config's workers:, else one per core)

Signals: SIGHUP reloads (new workers on the new config; the old ones finish their connections),
SIGTERM and SIGINT drain and exit. \`tlsterm reload\` sends SIGHUP to the running instance.
`;

export const serveCommand: Command = {
  name: 'serve',
  usage: 'serve [-c FILE] [--state-dir DIR] [--workers N]',
  summary: `Terminate TLS and forward to your apps. Without -c: the embedded default, https://localhost:8443
with a local CA made once in the state directory and the built-in "inspect" page, which shows
what your client negotiated (version, suite, group, signature, ALPN, SNI, JA4, …).
Logs are JSON lines on stdout: "event":"handshake" per connection (at close, with resumed and
resumed_by) or "event":"handshake_failed" with a "reason" (no_common_version, no_common_cipher,
no_common_group, unknown_sni, client_rejected_certificate, client_certificate_required,
client_certificate_untrusted, client_certificate_expired, handshake_timeout, not_tls,
client_closed, upstream_unreachable, upstream_refused, other) and a "detail" in plain words;
"event":"resumption_summary" once a minute per listener.
Per site: edge (http://), re-encryption (https://), passthrough (mode: passthrough, tcp://),
TLS-to-TCP (tcp://), mTLS (client_auth); see docs/patterns.md. Certificate files are watched
and swapped without a reload. Session resumption is shared by all workers (and by hosts with
state: { backend: redis }); see docs/resumption.md.`,
  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        'state-dir': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(serveCommand, SERVE_OPTIONS));
      return 0;
    }
    let workers: number | undefined;
    if (values.workers !== undefined) {
      workers = Number(values.workers);
      if (!Number.isInteger(workers) || workers < 1) {
        process.stderr.write(`tlsterm: --workers ${values.workers}: give a whole number, at least 1\n`);
        return 1;
      }
    }
    return await runServe(values.config, values['state-dir'], workers);
  },
};

/** The plan from the config file (or the embedded default), with the problems as text. */
async function loadPlan(
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

export async function runServe(
  configFile: string | undefined,
  stateDir: string | undefined,
  workers?: number,
): Promise<number> {
  // Every line a worker writes says which worker (rendered once by the logger, not per call).
  const log = createJsonLogger(undefined, cluster.isWorker ? { fields: { worker: process.pid } } : {});
  const load = () => loadPlan(configFile, stateDir, log);
  if (cluster.isWorker) return await runWorker({ load, log });

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
    process.stderr.write(
      `${first.why}\ntlsterm: not starting: fix the errors above (\`tlsterm check -c FILE\` lists them)\n`,
    );
    return 1;
  }
  if (first.warnings !== undefined) process.stderr.write(`${first.warnings}\n`);
  const plan: Plan = first.plan;
  if (configFile === undefined) {
    const dir = plan.stateDir;
    process.stderr.write(
      `tlsterm: embedded default — no config given\n` +
        `  state directory: ${dir}\n` +
        `  local CA: ${dir}/ca/ca.pem — trust it to avoid browser warnings, e.g.\n` +
        `    curl --cacert ${dir}/ca/ca.pem https://localhost:8443/\n` +
        `    sudo cp ${dir}/ca/ca.pem /usr/local/share/ca-certificates/tlsterm-local-ca.crt && sudo update-ca-certificates\n`,
    );
  }
  const supervisor = await startSupervisor({
    initial: plan,
    load: async () => {
      const next = await load();
      if (!next.ok)
        process.stderr.write(`tlsterm: reload refused, the old config keeps serving:\n${next.why}\n`);
      return next;
    },
    log,
    workers: (p) => workers ?? (p.workers === 'auto' ? os.availableParallelism() : p.workers),
  });
  for (const a of supervisor.addresses) {
    const host = a.address.includes(':') ? `[${a.address}]` : a.address;
    process.stderr.write(`tlsterm: listener ${a.listener} on ${a.scheme}://${host}:${a.port}/\n`);
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
  onReload = () => {
    void supervisor
      .reload()
      .then((ok) => (ok ? acme.update(supervisor.plan) : undefined))
      .catch((e: unknown) => log({ event: 'certificate_manager_error', level: 'error', error: String(e) }));
  };
  if (reloadRequested) onReload();
  await stopRequested;
  log({ event: 'stopping', pid: process.pid });
  await acme.stop();
  const cut = await supervisor.stop();
  if (pidFile !== undefined) await removePidFile(pidFile);
  log({ event: 'stopped', pid: process.pid, drained: true, cut });
  return 0;
}
