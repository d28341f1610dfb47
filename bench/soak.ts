// `npm run soak`: the adversarial soak of `tlsterm serve` (docs/operations.md, "Soak run"). tlsterm
// (SOAK_WORKERS, default 2) runs in front of a Node upstream that counts its open sockets, under
// short bounds (and tlsterm's defaults in one phase), while the adversaries in bench/soak/adversaries
// hold, flood and throw junk at it, ordinary keep-alive clients keep asking, and `tlsterm reload`
// runs every ~30 s. Every 5 s: client and upstream connections held, RSS per process, ordinary-client
// counts. Ends with a cool-down (no load) to see RSS come back down. Bounded: SOAK_SECONDS in all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCerts } from './lib/certs.ts';
import { onExit } from './lib/cleanup.ts';
import { freePort } from './lib/ports.ts';
import { processTree } from './lib/proc.ts';
import { startServer } from './lib/server-process.ts';
import { repoRoot } from './lib/tlsterm-config.ts';
import { ADVERSARIES, type Adversary, type AdversaryKind } from './soak/adversaries/index.ts';
import { SERVERNAME, sleep } from './soak/clients.ts';
import { type Bounds, listenerBounds, listenerKeys, writeSoakConfig } from './soak/config.ts';
import { establishedOnPort } from './soak/connections.ts';
import { COUNTED_EVENTS, countEvents } from './soak/log-events.ts';
import { startOrdinaryClients } from './soak/ordinary.ts';
import { type Phase, schedule } from './soak/phases.ts';
import { sampleRss } from './soak/processes.ts';
import { reloadOnce, startReloads } from './soak/reloads.ts';
import { formatSamples, formatSummary, type PhaseEnd, type Sample, summarize } from './soak/report.ts';
import { startCountingUpstream } from './soak/upstream.ts';

const usage = `usage: npm run soak [-- --json]
  --json   print the samples and the summary as JSON instead of tables
Environment: SOAK_SECONDS=600 (in all, cool-down included), SOAK_WORKERS=2, SOAK_ORDINARY=8
(ordinary keep-alive clients), SOAK_KEEP_DIR=1 (keep the temp dir with the config and tlsterm's log)
`;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

const log = (line: string): void => void process.stderr.write(`soak: ${line}\n`);

function kindsFor(phase: Phase): AdversaryKind[] {
  return ADVERSARIES.filter((a) => phase.adversaries.includes(a.group) || phase.adversaries.includes(a.name));
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  const json = process.argv.includes('--json');
  const seconds = positive('SOAK_SECONDS', 600);
  const workers = positive('SOAK_WORKERS', 2);
  const plan = schedule(seconds);
  const dir = mkdtempSync(join(tmpdir(), 'tlsterm-soak-'));
  if (process.env.SOAK_KEEP_DIR !== '1') onExit(() => rmSync(dir, { recursive: true, force: true }));
  const certs = makeCerts(join(dir, 'certs'), SERVERNAME);
  const upstream = await startCountingUpstream();
  onExit(() => void upstream.close());
  const port = await freePort();
  const keys = await listenerKeys(repoRoot);
  const site = { dir, port, upstreamPort: upstream.port, certs, workers, keys };
  let bounds: Bounds = 'short';
  const conf = writeSoakConfig(site, bounds);
  const started = await startServer({
    name: 'tlsterm',
    command: process.execPath,
    args: [join(repoRoot, 'bin', 'tlsterm'), 'serve', '-c', conf],
    cwd: repoRoot,
    stdoutPath: join(dir, 'tlsterm.log'),
    port,
  });
  if (!started.ok) {
    log(started.error);
    return 1;
  }
  const server = started.server;
  log(`tlsterm pid ${server.pid} on port ${port}, ${workers} workers, ${seconds} s; dir ${dir}`);

  const t0 = performance.now();
  const loadEnd = t0 + (seconds - (plan.phases.at(-1)?.seconds ?? 0)) * 1000;
  const ordinary = startOrdinaryClients(port, positive('SOAK_ORDINARY', 8), loadEnd);
  const samples: Sample[] = [];
  let phaseName = plan.phases[0]?.name ?? '';
  const sample = (): Sample => {
    const rss = sampleRss(server.pid);
    const s: Sample = {
      t: Math.round((performance.now() - t0) / 1000),
      phase: phaseName,
      client_conns: establishedOnPort(port),
      upstream_conns: upstream.open(),
      rss_primary_mib: rss.primaryMiB,
      rss_workers_mib: rss.workersMiB,
      rss_total_mib: rss.totalMiB,
      ...ordinary.counts(),
    };
    samples.push(s);
    if (!json)
      log(
        `${s.t}s ${s.phase}: client ${s.client_conns}, upstream ${s.upstream_conns}, RSS ${s.rss_total_mib} MiB`,
      );
    return s;
  };
  const sampler = setInterval(sample, plan.sampleMs);
  const reloadCounts = { ok: 0, failed: 0 };
  const ends: PhaseEnd[] = [];

  for (const phase of plan.phases) {
    phaseName = phase.name;
    if (phase.idle === true) await ordinary.stop();
    if (phase.bounds !== bounds) {
      bounds = phase.bounds;
      writeSoakConfig(site, bounds);
      if (await reloadOnce(conf)) reloadCounts.ok += 1;
      else reloadCounts.failed += 1;
    }
    // The phase's own length starts once its config is in force.
    const deadline = performance.now() + phase.seconds * 1000;
    const ctx = { port, scale: plan.scale, deadline };
    const running: Adversary[] = kindsFor(phase).map((k) => k.start(ctx));
    const reloads = phase.reloads ? startReloads(conf, plan.reloadMs) : undefined;
    await sleep(Math.max(0, deadline - performance.now()));
    reloads?.stop();
    const end = sample();
    const adversaries = Object.fromEntries(running.map((a) => [a.name, a.counts()]));
    await Promise.all(running.map((a) => a.stop()));
    reloadCounts.ok += reloads?.counts().ok ?? 0;
    reloadCounts.failed += reloads?.counts().failed ?? 0;
    const mine = samples.filter((s) => s.phase === phase.name);
    ends.push({
      phase: phase.name,
      seconds: phase.seconds,
      bounds: phase.bounds,
      client_conns_at_end: end.client_conns,
      upstream_conns_at_end: end.upstream_conns,
      max_client_conns: Math.max(...mine.map((s) => s.client_conns)),
      max_upstream_conns: Math.max(...mine.map((s) => s.upstream_conns)),
      adversaries,
    });
  }
  clearInterval(sampler);
  const alive = processTree(server.pid).length > 0;
  await server.stop();
  await upstream.close();
  const summary = summarize(samples, ends, {
    seconds,
    workers,
    events: await countEvents(join(dir, 'tlsterm.log'), COUNTED_EVENTS),
    ordinary_failures: { ...ordinary.failures() },
    bounds_in_force: listenerBounds('short', keys),
    reloads_ok: reloadCounts.ok,
    reloads_failed: reloadCounts.failed,
  });
  if (json) process.stdout.write(`${JSON.stringify({ summary, samples }, null, 2)}\n`);
  else process.stdout.write(`${formatSamples(samples)}\n\n${formatSummary(summary)}\n`);
  if (!alive) log('tlsterm was not running at the end of the soak');
  return alive ? 0 : 1;
}

process.exitCode = await main();
