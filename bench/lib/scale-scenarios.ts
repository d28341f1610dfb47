// Scale across cores (on request: BENCH_SCENARIOS=scale): the same full-handshake and keep-alive
// loads as the termination rows, run so that 1- and 2-worker contenders (tlsterm vs tlsterm-w2, nginx
// vs nginx-w2) can be read side by side. Next to the rate and the server's CPU per unit, two figures:
//   server cores busy   the server's CPU seconds over the run's wall seconds: above 1 only when more
//                       than one of its processes worked at once. On a 2-core machine the load
//                       generator needs a core of its own, so the rate cannot double; the CPU per
//                       unit staying flat from 1 to 2 workers is what says a second core would be used
//   busiest worker's share  of the connections (worker-share.ts: ss + /proc fds) and of the workers'
//                       CPU time, for servers with more than one worker (the kernel spreads accepts
//                       over processes that share a listening socket, SCHED_NONE for Node's cluster)
import { commandExists } from './contenders.ts';
import { runHandshakeLoad } from './handshake-load.ts';
import { cpuSeconds } from './proc.ts';
import type { Figure, RunOutcome, Scenario } from './scenarios.ts';
import type { Target } from './target.ts';
import { busiestCpuPercent, type Share, sampleShare } from './worker-share.ts';
import { runWrk } from './wrk.ts';

const shareFigures: readonly Figure[] = [
  { key: 'cores', label: '  server cores busy (CPU s / wall s)', unit: 'cores', better: 'higher' },
  { key: 'connShare', label: "  busiest worker's share of conns", unit: '%', better: 'lower' },
  { key: 'cpuShare', label: "  busiest worker's share of CPU", unit: '%', better: 'lower' },
];

// The processes that accept: every process below the root (a cluster primary or nginx master only
// hands out the listening socket); a single-process server has none to compare.
function workersOf(target: Target): number[] {
  return target.server.pids().slice(1);
}

interface Around {
  readonly figures: Record<string, number>;
  readonly warning?: string;
}

/** Runs `load` while sampling the connections per worker and reading each process's CPU time. */
async function withShare<T>(target: Target, load: () => Promise<T>): Promise<{ value: T } & Around> {
  const pids = target.server.pids();
  const workers = workersOf(target);
  const cpuBefore = pids.map((pid) => cpuSeconds([pid]));
  const sampler =
    workers.length > 1 && commandExists('ss') ? sampleShare(target.server.port, workers) : undefined;
  const started = performance.now();
  let value: T;
  let share: Share | undefined;
  try {
    value = await load();
  } finally {
    share = await sampler?.stop();
  }
  const wall = (performance.now() - started) / 1000;
  const spent = pids.map((pid, i) => cpuSeconds([pid]) - (cpuBefore[i] ?? 0));
  const figures: Record<string, number> = { cores: spent.reduce((a, b) => a + b, 0) / wall };
  if (workers.length > 1) {
    const cpuShare = busiestCpuPercent(spent.slice(1));
    if (cpuShare !== undefined) figures['cpuShare'] = cpuShare;
    if (share?.busiestPercent !== undefined) figures['connShare'] = share.busiestPercent;
  }
  const perWorker = share?.counts.map((c) => `${c.pid}: ${c.connections}`).join(', ');
  // Where a multi-process server's CPU went (a cluster primary's share is work a second worker adds).
  const cpuSplit = `CPU s per process (root first) ${spent.map((s) => s.toFixed(2)).join(' + ')}`;
  const warning =
    workers.length > 1 && sampler === undefined
      ? `ss is not installed: no connections per worker; ${cpuSplit}`
      : perWorker === undefined
        ? undefined
        : `connections seen per worker ${perWorker}; ${cpuSplit}`;
  return { value, figures, ...(warning === undefined ? {} : { warning }) };
}

function joined(...parts: (string | undefined)[]): { warning?: string } {
  const text = parts.filter((p): p is string => p !== undefined && p !== '').join('; ');
  return text === '' ? {} : { warning: text };
}

/** Full handshakes + 1 request (the full-handshake client, 32 at a time), with the spread over workers. */
export const scaleHandshakes: Scenario = {
  id: 'scale-handshake',
  group: 'scale',
  onRequest: true,
  figures: [
    { key: 'cps', label: 'scale: new conns, FULL handshake + 1 req', unit: 'conn/s', better: 'higher' },
    ...shareFigures,
  ],
  cpuUnit: 'conn',
  cpuLabel: 'server CPU per full-handshake conn (scale)',
  tools: [],
  async run(target, settings): Promise<RunOutcome> {
    const around = await withShare(target, () =>
      runHandshakeLoad({
        port: target.server.port,
        servername: target.hostname,
        path: '/1k',
        concurrency: settings.handshakeConcurrency * 2,
        maxConnections: 1_000_000,
        durationMs: settings.seconds * 1000,
      }),
    );
    const result = around.value;
    if (result.completed === 0) return { ok: false, error: `no connection completed: ${result.firstError}` };
    if (result.resumed > 0) return { ok: false, error: `${result.resumed} connections were resumed` };
    return {
      ok: true,
      figures: { cps: result.completed / result.elapsedSeconds, ...around.figures },
      units: result.completed,
      ...joined(
        result.failed > 0 ? `${result.failed} connections failed (${result.firstError})` : undefined,
        around.warning,
      ),
    };
  },
};

/** Keep-alive 1 KiB requests from wrk with two threads and 64 connections, with the spread over workers. */
export const scaleKeepAlive: Scenario = {
  id: 'scale-keepalive',
  group: 'scale',
  onRequest: true,
  figures: [
    { key: 'rps', label: 'scale: keep-alive 1 KiB (wrk -t2 -c64)', unit: 'req/s', better: 'higher' },
    ...shareFigures,
  ],
  cpuUnit: 'req',
  cpuLabel: 'server CPU per req (scale)',
  tools: ['wrk'],
  async run(target, settings): Promise<RunOutcome> {
    const around = await withShare(target, () =>
      runWrk({
        url: `https://127.0.0.1:${target.server.port}/1k`,
        seconds: settings.seconds,
        connections: 64,
        threads: 2,
        headers: [`Host: ${target.hostname}`],
      }),
    );
    const result = around.value;
    if (!result.ok) return result;
    const { requests, requestsPerSecond, socketErrors, non2xx } = result.value;
    if (non2xx > 0) return { ok: false, error: `${non2xx} of ${requests} responses were not 2xx/3xx` };
    return {
      ok: true,
      figures: { rps: requestsPerSecond, ...around.figures },
      units: requests,
      ...joined(socketErrors > 0 ? `${socketErrors} socket errors` : undefined, around.warning),
    };
  },
};

export const scaleScenarios: readonly Scenario[] = [scaleHandshakes, scaleKeepAlive];
