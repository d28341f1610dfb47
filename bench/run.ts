// `npm run bench`: tlsterm side by side with nginx and HAProxy on loopback, in three sections.
// Termination: tlsterm, nginx and HAProxy terminate TLS and proxy to a plain-HTTP backend (ratios to
// nginx). HTTP/2 front: the same, with clients that speak h2 only (every column must negotiate h2).
// Passthrough: tlsterm and HAProxy route by SNI and relay the TLS bytes to an HTTPS backend
// (ratios to HAProxy; nginx-light cannot pass TLS through).
// Per section: start the backend and every contender, read idle RSS, smoke-check each contender,
// then run every scenario in interleaved rounds (A B C, B C A, C A B) so slow drifts of the machine
// hit all contenders alike; medians go in the table. A section's servers are stopped before the next.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  addRun,
  afterLoad,
  type BenchCerts,
  type BenchResult,
  CONTENDER_ORDER,
  type Contender,
  type ContenderChoice,
  commandExists,
  curlDownload,
  describeEnvironment,
  formatNumber,
  formatReport,
  freePort,
  h2Contenders,
  h2Get,
  h2Scenarios,
  killAll,
  makeCerts,
  measure,
  negotiated,
  nginxPassthroughReason,
  onExit,
  openIdleH2Sessions,
  passthroughContenders,
  passthroughScenarios,
  type Row,
  type RunningServer,
  repoRoot,
  rssBytes,
  runH2load,
  runHandshakeLoad,
  runWrk,
  type Scenario,
  type Section,
  type ServerSpec,
  type ServerStatus,
  type Settings,
  scaleScenarios,
  scenarios,
  selectContenders,
  selectScenarios,
  settingsFromEnv,
  sharedOnceBytes,
  startBackend,
  startServer,
  startTlsBackend,
  type Target,
  terminationContenders,
  tlstermFeatures,
  toJson,
  usage,
  writeBackendFiles,
} from './lib/index.ts';

const hostname = 'bench.test';
const MiB = 1024 * 1024;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

interface Phase {
  readonly id: string;
  readonly title: string;
  readonly reference: string;
  readonly contenders: readonly Contender[];
  /** Columns for servers that cannot take part, with the reason. */
  readonly absent: Record<string, ServerStatus>;
  readonly scenarios: readonly Scenario[];
  readonly backend: RunningServer;
  /** The backend's document root. */
  readonly root: string;
  /** Whether the backend's CPU is reported next to the proxy's. */
  readonly backendCpu: boolean;
  /** Ratio columns, [numerator, denominator]. */
  readonly ratios: readonly (readonly [string, string])[];
  /** What clients speak: h2 (HTTP/2 only: the smoke check refuses a server that does not pick h2). */
  readonly protocol: 'http/1.1' | 'h2';
  /** Printed under the table before the runs' notes. */
  readonly notes?: readonly string[];
}

interface Contenders {
  readonly servers: Record<string, ServerStatus>;
  readonly targets: Target[];
  readonly running: RunningServer[];
  readonly freshRss: Row;
  readonly freshShared: Row;
}

/** Starts each installed contender; one that fails to start or to serve /1k gets an n/a column. */
async function startContenders(phase: Phase, dir: string, certs: BenchCerts): Promise<Contenders> {
  const servers: Record<string, ServerStatus> = {};
  const running: RunningServer[] = [];
  const specs = new Map<RunningServer, ServerSpec>();
  const about = new Map(phase.contenders.map((c) => [c.name as string, c.about]));
  const withAbout = (name: string, status: ServerStatus): ServerStatus => {
    const text = about.get(name);
    return text === undefined ? status : { ...status, about: text };
  };
  for (const contender of phase.contenders) {
    if (contender.binary !== undefined && !commandExists(contender.binary)) {
      servers[contender.name] = { available: false, reason: `${contender.binary} is not installed` };
      continue;
    }
    const ctx = { dir, port: await freePort(), backendPort: phase.backend.port, certs, root: phase.root };
    const spec = contender.spec(ctx);
    if (spec.primeStart === true) {
      const primed = await startServer(spec);
      if (primed.ok) await primed.server.stop();
    }
    const result = await startServer(spec);
    if (!result.ok) {
      log(`bench: ${contender.name} did not start; its column will say n/a\n${result.error}`);
      servers[contender.name] = withAbout(contender.name, {
        available: false,
        reason: result.error.split('\n')[0] ?? 'did not start',
      });
      continue;
    }
    running.push(result.server);
    specs.set(result.server, spec);
    servers[contender.name] = withAbout(contender.name, { available: true });
  }

  await sleep(1000); // let each server settle after start-up before reading its idle memory
  const freshRss: Row = {
    id: `${phase.id}.rss-fresh`,
    label: 'RSS at idle (fresh start)',
    unit: 'MiB',
    better: 'lower',
    runs: {},
  };
  // The same memory with the pages its processes share counted once (sharedOnceBytes).
  const freshShared: Row = {
    id: `${phase.id}.shared-once-fresh`,
    label: '  idle, shared pages counted once',
    unit: 'MiB',
    better: 'lower',
    runs: {},
  };
  const targets: Target[] = [];
  for (const server of running) {
    const pids = server.pids();
    const fresh = rssBytes(pids);
    const freshSharedOnce = sharedOnceBytes(pids);
    // A primary next to its worker(s): each one's share, since the per-connection figure is the worker's.
    const processes =
      pids.length > 1
        ? pids.map((pid) => `${formatNumber(rssBytes([pid]) / MiB)} MiB`).join(' + ')
        : undefined;
    // Smoke check with a verifying client: right certificate chain, proxying works, full body; for
    // the HTTP/2 front also that the server picks h2 by ALPN (HTTP/1.1 figures are not h2 figures).
    const smoke =
      phase.protocol === 'h2'
        ? await h2Get({ port: server.port, hostname, path: '/1k', ca: certs.ca, timeoutMs: 10_000 })
        : await curlDownload({ port: server.port, hostname, path: '/1k', ca: certs.ca, timeoutSeconds: 10 });
    const bytes = !smoke.ok ? 0 : 'bytes' in smoke ? smoke.bytes : smoke.value.bytes;
    const error = !smoke.ok ? smoke.error : bytes !== 1024 ? `got ${bytes} bytes for /1k` : undefined;
    if (error !== undefined) {
      log(`bench: ${server.name} failed the smoke check (GET /1k): ${error}\n${server.stderr()}`);
      servers[server.name] = withAbout(server.name, {
        available: false,
        reason: `smoke check failed: ${error}`,
      });
      continue;
    }
    addRun(freshRss, server.name, fresh / MiB);
    if (freshSharedOnce > 0) addRun(freshShared, server.name, freshSharedOnce / MiB);
    const facts = await negotiated(server.port, hostname);
    const alpn = phase.protocol === 'h2' ? ' (ALPN h2 checked)' : '';
    servers[server.name] = withAbout(server.name, {
      available: true,
      negotiated: facts.ok ? `${facts.value}${alpn}` : `? (${facts.error})`,
      ...(processes === undefined ? {} : { processes: `${processes} (the first is the root)` }),
    });
    const spec = specs.get(server);
    if (spec !== undefined) targets.push(await warmTarget(server, spec, phase, certs, running));
  }
  return { servers, targets, running, freshRss, freshShared };
}

/**
 * Warms a started server up and reads the RSS its per-connection memory is counted from. Warm-up
 * (after the fresh-RSS reading): JIT compilation and lazy initialisation should not land in the
 * first measured run of whichever contender goes first. Short, since the RSS read after it is the
 * per-connection row's base (10 s of handshakes left tlsterm's base above its RSS with 2,000 idle
 * connections); each CPU run has its own pre-run (measure.ts).
 */
async function warmTarget(
  server: RunningServer,
  spec: ServerSpec,
  phase: Phase,
  certs: BenchCerts,
  running: RunningServer[],
): Promise<Target> {
  // As much warm-up per worker (tlsterm-w2, nginx-w2) as a one-worker server gets: the kernel
  // splits the warm-up's connections between the workers, and each compiles its own code.
  const workers = Math.max(1, server.pids().length - 1);
  if (phase.protocol === 'h2') await warmH2(server.port, workers);
  else {
    await runHandshakeLoad({
      port: server.port,
      servername: hostname,
      path: '/1k',
      concurrency: 8,
      maxConnections: 300 * workers,
      durationMs: 2000 * workers,
    });
    // The keep-alive request path too (a JIT compiles it only after it has run a while).
    if (commandExists('wrk'))
      await runWrk({
        url: `https://127.0.0.1:${server.port}/1k`,
        seconds: workers,
        connections: 8 * workers,
        headers: [`Host: ${hostname}`],
      });
  }
  await sleep(500);
  return {
    server,
    hostname,
    ca: certs.ca,
    baselineRssBytes: rssBytes(server.pids()),
    ...(phase.backendCpu ? { backend: phase.backend } : {}),
    // A fresh process of the same server on the same port, warmed up the same way: a garbage-collected
    // runtime keeps the memory of earlier rounds, so each memory round starts from scratch.
    restart: async () => {
      await server.stop();
      const index = running.indexOf(server);
      const again = await startServer(spec);
      if (!again.ok) return undefined;
      if (index >= 0) running[index] = again.server;
      else running.push(again.server);
      await sleep(1000);
      return warmTarget(again.server, spec, phase, certs, running);
    },
  };
}

/** The same warm-up over HTTP/2, per worker: 300 h2 connections (handshake and SETTINGS), 3 s of h2load (tlsterm's h2 path needs seconds of load to reach its steady state: h2-scenarios.ts). */
async function warmH2(port: number, workers: number): Promise<void> {
  const held = await openIdleH2Sessions({
    port,
    servername: hostname,
    count: 300 * workers,
    concurrency: 8,
    timeoutMs: 10_000 * workers,
  });
  await held.close();
  if (commandExists('h2load'))
    await runH2load({
      url: `https://127.0.0.1:${port}/1k`,
      authority: hostname,
      connections: 4 * workers,
      streams: 8,
      seconds: 3 * workers,
    });
}

/** All rounds of one scenario, interleaved across contenders. Returns its table rows. */
async function runScenario(
  scenario: Scenario,
  targets: Target[],
  settings: Settings,
  notes: string[],
): Promise<Row[]> {
  const figureRows = scenario.figures.map(
    (figure): Row => ({ id: `${scenario.id}.${figure.key}`, ...figure, runs: {} }),
  );
  const cpuRow: Row = {
    id: `${scenario.id}.cpu`,
    label: `  ${scenario.cpuLabel}`,
    unit: `µs/${scenario.cpuUnit}`,
    better: 'lower',
    runs: {},
  };
  const backendCpuRow: Row = {
    id: `${scenario.id}.backend-cpu`,
    label: `  backend (TLS nginx) CPU per ${scenario.cpuUnit}`,
    unit: `µs/${scenario.cpuUnit}`,
    better: 'lower',
    runs: {},
  };
  for (let round = 0; round < settings.rounds; round++) {
    const shift = round % targets.length;
    for (const position of [...targets.keys()].map((i) => (i + shift) % targets.length)) {
      let target = targets[position]!;
      const name = target.server.name;
      const where = `${scenario.id} / ${name} / round ${round + 1}`;
      // Round 1 of the first scenario meets the servers as started; any other round of a fresh one
      // gets a new process (and later scenarios go on with it).
      if (scenario.fresh === true && (round > 0 || target.used === true)) {
        const restarted = await target.restart?.();
        if (restarted === undefined) {
          notes.push(`${where}: could not restart the server`);
          continue;
        }
        target = restarted;
        targets[position] = target;
      }
      target.used = true;
      const sample = await measure(scenario, target, settings);
      if (!sample.ok) {
        notes.push(`${where}: ${sample.error}`);
        log(`  ${where}: FAILED: ${sample.error}`);
        continue;
      }
      const shown: string[] = [];
      for (const [index, figure] of scenario.figures.entries()) {
        const value = sample.figures[figure.key];
        const row = figureRows[index];
        if (value === undefined || row === undefined) continue;
        addRun(row, name, value);
        shown.push(`${formatNumber(value)} ${figure.unit}`);
      }
      addRun(cpuRow, name, sample.cpuMicrosPerUnit);
      shown.push(`${formatNumber(sample.cpuMicrosPerUnit)} ${cpuRow.unit}`);
      if (sample.backendCpuMicrosPerUnit !== undefined) {
        addRun(backendCpuRow, name, sample.backendCpuMicrosPerUnit);
        shown.push(`backend ${formatNumber(sample.backendCpuMicrosPerUnit)} ${backendCpuRow.unit}`);
      }
      if (sample.warning !== undefined) notes.push(`${where}: ${sample.warning}`);
      log(`  ${where}: ${shown.join(', ')}`);
      await sleep(300); // let closing connections drain before the next contender starts
    }
  }
  const hasBackendCpu = Object.keys(backendCpuRow.runs).length > 0;
  return [...figureRows, cpuRow, ...(hasBackendCpu ? [backendCpuRow] : [])];
}

// The table's columns in the order of the termination table, whichever servers the phase has.
function inColumnOrder(servers: Record<string, ServerStatus>): Record<string, ServerStatus> {
  const order: readonly string[] = CONTENDER_ORDER;
  const names = Object.keys(servers).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return Object.fromEntries(names.map((name) => [name, servers[name] ?? { available: false }]));
}

async function runPhase(phase: Phase, dir: string, certs: BenchCerts, settings: Settings): Promise<Section> {
  log(`bench: ${phase.id}: ${phase.scenarios.map((s) => s.id).join(', ')}`);
  const { servers, targets, running, freshRss, freshShared } = await startContenders(phase, dir, certs);
  try {
    const rows: Row[] = [freshRss, freshShared];
    const notes: string[] = [...(phase.notes ?? [])];
    for (const scenario of phase.scenarios) {
      const missing = scenario.tools.filter((tool) => !commandExists(tool));
      if (missing.length > 0) notes.push(`skipped ${scenario.id}: ${missing.join(', ')} not installed`);
      else if (targets.length > 0) rows.push(...(await runScenario(scenario, targets, settings, notes)));
    }
    return {
      id: phase.id,
      title: phase.title,
      reference: phase.reference,
      servers: inColumnOrder({ ...servers, ...phase.absent }),
      rows,
      notes,
      ratios: phase.ratios,
    };
  } finally {
    for (const server of running.reverse()) await server.stop();
  }
}

function report(result: BenchResult, asJson: boolean): void {
  const resultsDir = join(tmpdir(), 'tlsterm-bench');
  mkdirSync(resultsDir, { recursive: true });
  const latest = join(resultsDir, 'latest.json');
  writeFileSync(latest, toJson(result));
  process.stdout.write(asJson ? toJson(result) : `\n${formatReport(result)}`);
  log(`bench: result written to ${latest}`);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  const unknown = argv.find((a) => a !== '--json');
  if (unknown !== undefined) {
    process.stderr.write(`bench: unknown argument ${unknown}\n${usage}`);
    return 2;
  }
  const settings = settingsFromEnv(process.env);
  const selection = selectScenarios(process.env['BENCH_SCENARIOS'], [
    { section: 'termination', scenarios: [...scenarios, ...scaleScenarios, afterLoad] },
    { section: 'h2', scenarios: h2Scenarios },
    { section: 'passthrough', scenarios: passthroughScenarios },
  ]);
  if (!selection.ok) {
    process.stderr.write(`bench: ${selection.error}\n`);
    return 2;
  }
  const chosen = selection.value;
  const picked = selectContenders(process.env['BENCH_CONTENDERS']);
  if (!picked.ok) {
    process.stderr.write(`bench: ${picked.error}\n`);
    return 2;
  }
  const baselineRepo = process.env['BENCH_BASELINE'];
  if (
    baselineRepo !== undefined &&
    baselineRepo !== '' &&
    !existsSync(join(baselineRepo, 'bin', 'tlsterm'))
  ) {
    process.stderr.write(`bench: BENCH_BASELINE=${baselineRepo} has no bin/tlsterm\n`);
    return 2;
  }
  // BENCH_TLSTERM: the tree of the tlsterm column (default: this one), e.g. a copy with a change.
  const mainRepo = process.env['BENCH_TLSTERM'] || repoRoot;
  if (!existsSync(join(mainRepo, 'bin', 'tlsterm'))) {
    process.stderr.write(`bench: BENCH_TLSTERM=${mainRepo} has no bin/tlsterm\n`);
    return 2;
  }
  const choice: ContenderChoice = {
    repo: mainRepo,
    features: await tlstermFeatures(mainRepo),
    ...(baselineRepo === undefined || baselineRepo === ''
      ? {}
      : { baseline: { repo: baselineRepo, features: await tlstermFeatures(baselineRepo) } }),
  };
  const wanted = (list: readonly Contender[]): Contender[] => list.filter((c) => picked.value.has(c.name));
  for (const tool of ['nginx', 'openssl', 'curl']) {
    if (!commandExists(tool)) {
      log(`bench: ${tool} is required (nginx is the backend for every contender); install it first`);
      return 1;
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'tlsterm-bench-'));
  const keepDir = process.env['BENCH_KEEP_DIR'] === '1';
  const removeDir = (): void => {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  };
  const forgetDir = onExit(removeDir); // also on Ctrl-C, which skips the finally below
  const backends: RunningServer[] = [];
  try {
    log(`bench: working dir ${dir}; ${settings.rounds} rounds, ${settings.seconds} s per timed run`);
    const certs = makeCerts(join(dir, 'certs'), hostname);
    const root = writeBackendFiles(dir, settings.bulkMiB);
    const sections: Section[] = [];

    const termination = chosen['termination'] ?? [];
    if (termination.length > 0) {
      const backend = await startBackend(dir, root);
      backends.push(backend);
      sections.push(
        await runPhase(
          {
            id: 'termination',
            title: 'TLS termination: each proxy decrypts and forwards HTTP to a plain-HTTP nginx backend',
            reference: 'nginx',
            contenders: wanted(terminationContenders(choice)),
            absent: {},
            scenarios: termination,
            backend,
            root,
            backendCpu: false,
            ratios: [
              ['tlsterm', 'nginx'],
              ['node-tls', 'nginx'],
              ['node-peek', 'nginx'],
              ['node-pipe', 'nginx'],
              ['node-proxy', 'nginx'],
              ['tlsterm', 'node-tls'],
              ['tlsterm', 'node-proxy'],
              ['tlsterm', 'tlsterm-base'],
              ['tlsterm-l7', 'tlsterm'],
              ['tlsterm-w2', 'tlsterm'],
              ['nginx-w2', 'nginx'],
              ['tlsterm-w2', 'nginx-w2'],
              ['tlsterm-w2rp', 'tlsterm-w2'],
              ['nginx-w2rp', 'nginx-w2'],
            ],
            protocol: 'http/1.1',
          },
          dir,
          certs,
          settings,
        ),
      );
      await backend.stop();
    }

    const http2 = chosen['h2'] ?? [];
    if (http2.length > 0) {
      const backend = await startBackend(join(dir, 'h2'), root);
      backends.push(backend);
      sections.push(
        await runPhase(
          {
            id: 'h2',
            title:
              "HTTP/2 front: each server negotiates h2 by ALPN and proxies to the plain-HTTP/1.1 nginx backend (node-h2 answers itself; node-h2-proxy is Node's floor for the proxying)",
            reference: 'nginx',
            contenders: wanted(h2Contenders(choice)),
            absent: {},
            scenarios: http2,
            backend,
            root,
            backendCpu: false,
            ratios: [
              ['tlsterm', 'nginx'],
              ['node-h2', 'nginx'],
              ['tlsterm', 'node-h2'],
              ['node-h2-proxy', 'nginx'],
              ['tlsterm', 'node-h2-proxy'],
              ['tlsterm', 'tlsterm-base'],
            ],
            protocol: 'h2',
            notes: [
              `h2-load: h2load -t1 -c${settings.h2Connections} -m${settings.h2Streams} -D${settings.seconds} (${settings.h2Connections * settings.h2Streams} streams in flight), GET /1k with :authority ${hostname}; h2load sends no SNI to an IP address, so each server answers with its default (only) site`,
            ],
          },
          join(dir, 'h2'),
          certs,
          settings,
        ),
      );
      await backend.stop();
    }

    const passthrough = chosen['passthrough'] ?? [];
    if (passthrough.length > 0) {
      const backend = await startTlsBackend(dir, root, certs);
      backends.push(backend);
      sections.push(
        await runPhase(
          {
            id: 'passthrough',
            title:
              'TLS passthrough: each proxy routes by SNI and relays the TLS bytes to an HTTPS nginx backend (no decryption)',
            reference: 'haproxy',
            contenders: wanted(passthroughContenders(choice)),
            absent: picked.value.has('nginx')
              ? { nginx: { available: false, reason: nginxPassthroughReason() } }
              : {},
            scenarios: passthrough,
            backend,
            root,
            backendCpu: true,
            ratios: [
              ['tlsterm', 'haproxy'],
              ['tlsterm', 'tlsterm-base'],
            ],
            protocol: 'http/1.1',
          },
          join(dir, 'passthrough'),
          certs,
          settings,
        ),
      );
      await backend.stop();
    }

    report(
      {
        meta: {
          ...describeEnvironment(),
          settings,
          scenarios: process.env['BENCH_SCENARIOS'] ?? 'all',
          contenders: [...picked.value],
          tlsterm: choice.repo,
          ...(choice.baseline === undefined ? {} : { baseline: choice.baseline.repo }),
          tlstermFeatures: choice.features,
        },
        sections,
      },
      argv.includes('--json'),
    );
    return 0;
  } finally {
    for (const server of backends.reverse()) await server.stop();
    killAll();
    removeDir();
    forgetDir();
    if (keepDir) log(`bench: kept ${dir}`);
  }
}

process.exitCode = await main(process.argv.slice(2));
