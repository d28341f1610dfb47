// The measurements, one per scenario. Each returns its figures and how many units of work it did
// (requests, connections, MiB) so the server's CPU time can be divided by them.
import { setTimeout as sleep } from 'node:timers/promises';
import { curlDownload } from './curl-download.ts';
import {
  type HandshakeLoadOptions,
  type PrimedSession,
  primeSession,
  type ResumeMode,
  runHandshakeLoad,
} from './handshake-load.ts';
import { type IdleConnections, openIdleConnections } from './idle-connections.ts';
import { rssBytes } from './proc.ts';
import type { Settings, Target } from './target.ts';
import { runWrk } from './wrk.ts';

export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
}

export type RunOutcome =
  | { ok: true; figures: Record<string, number>; units: number; warning?: string }
  | { ok: false; error: string };

export type Prepared = { ok: true; value: unknown } | { ok: false; error: string };

export interface Scenario {
  readonly id: string;
  /** Selects the scenario along with others in BENCH_SCENARIOS (e.g. "resumed"). */
  readonly group?: string;
  /** Each round against a fresh server process (memory figures: no high-water mark of earlier rounds). */
  readonly fresh?: boolean;
  /** Left out of "all" and of its section's name: runs only when its id or group is named. */
  readonly onRequest?: boolean;
  readonly figures: readonly Figure[];
  /** The unit of work the server's CPU time is divided by, e.g. "req". */
  readonly cpuUnit: string;
  readonly cpuLabel: string;
  readonly tools: readonly string[];
  /**
   * Before each measured run, an unmeasured one of BENCH_PRE_RUN_SECONDS (measure.ts): the path's
   * code compiled again after a lull (tlsterm's memory relief drops compiled code after 30 s idle,
   * and an interleaved round leaves a contender idle that long) and its pools and caches filled.
   */
  readonly preRun?: boolean;
  /** Work before the CPU reading starts (e.g. the full handshake that gets a session); its result goes to run. */
  prepare?(target: Target, settings: Settings): Promise<Prepared>;
  run(target: Target, settings: Settings, prepared?: unknown): Promise<RunOutcome>;
}

const smallPath = '/1k';
const bigPath = '/big';
const MiB = 1024 * 1024;

function url(target: Target, path: string): string {
  return `https://127.0.0.1:${target.server.port}${path}`;
}

export function warnings(parts: readonly (string | false)[]): { warning?: string } {
  const text = parts.filter((p): p is string => p !== false).join('; ');
  return text === '' ? {} : { warning: text };
}

/** What an idle-memory scenario holds, and how it names it. */
export interface IdleKind {
  readonly id: string;
  readonly rssLabel: string;
  readonly perConnLabel: string;
  readonly cpuLabel: string;
  /** "connection", "h2 connection": in the error and warning texts. */
  readonly noun: string;
  open(target: Target, settings: Settings): Promise<IdleConnections>;
}

/** RSS with many idle connections open, against a fresh process each round. */
export function idleScenario(kind: IdleKind): Scenario {
  return {
    id: kind.id,
    fresh: true,
    figures: [
      { key: 'rss', label: kind.rssLabel, unit: 'MiB', better: 'lower' },
      { key: 'perConn', label: kind.perConnLabel, unit: 'KiB', better: 'lower' },
    ],
    cpuUnit: 'conn',
    cpuLabel: kind.cpuLabel,
    tools: [],
    async run(target, settings) {
      const held = await kind.open(target, settings);
      try {
        if (held.opened === 0)
          return { ok: false, error: `no ${kind.noun} opened: ${held.firstError ?? 'unknown'}` };
        await sleep(1000); // let the server finish its post-handshake work (tickets, SETTINGS ack, buffers)
        const rss = rssBytes(target.server.pids());
        const open = held.stillOpen();
        return {
          ok: true,
          figures: { rss: rss / MiB, perConn: (rss - target.baselineRssBytes) / 1024 / held.opened },
          units: held.opened,
          ...warnings([
            held.failed > 0 && `${held.failed} ${kind.noun}s failed (${held.firstError})`,
            open < held.opened &&
              `${held.opened - open} of ${held.opened} closed by the server before the RSS reading`,
          ]),
        };
      } finally {
        await held.close();
        await sleep(500);
      }
    },
  };
}

/** RSS with many idle TLS connections open. Runs first, before any other load has grown the heaps. */
export const idleConnections: Scenario = idleScenario({
  id: 'idle',
  rssLabel: 'RSS with idle TLS conns',
  perConnLabel: '  RSS per idle conn (over warmed-up idle)',
  cpuLabel: 'server CPU per conn (handshake only)',
  noun: 'connection',
  open: (target, settings) =>
    openIdleConnections({
      port: target.server.port,
      servername: target.hostname,
      count: settings.idleConnections,
      concurrency: 32,
      timeoutMs: 60_000,
    }),
});

/** Keep-alive HTTPS requests for a 1 KiB body, proxied to the backend. */
export const keepAlive: Scenario = {
  id: 'keepalive',
  figures: [{ key: 'rps', label: 'keep-alive 1 KiB', unit: 'req/s', better: 'higher' }],
  cpuUnit: 'req',
  cpuLabel: 'server CPU per req',
  tools: ['wrk'],
  preRun: true,
  async run(target, settings) {
    const result = await runWrk({
      url: url(target, smallPath),
      seconds: settings.seconds,
      connections: settings.wrkConnections,
      headers: [`Host: ${target.hostname}`],
    });
    if (!result.ok) return result;
    const { requests, requestsPerSecond, socketErrors, non2xx } = result.value;
    if (non2xx > 0) return { ok: false, error: `${non2xx} of ${requests} responses were not 2xx/3xx` };
    return {
      ok: true,
      figures: { rps: requestsPerSecond },
      units: requests,
      ...warnings([socketErrors > 0 && `${socketErrors} socket errors`]),
    };
  },
};

interface Labels {
  readonly id: string;
  readonly label: string;
  readonly cpuLabel: string;
}

// Every handshake client connects the same way: one GET of the small file per connection.
const connectTo = (target: Target) => ({
  port: target.server.port,
  servername: target.hostname,
  path: smallPath,
});

/** A timed load of new connections for one run. */
const handshakeLoad = (target: Target, settings: Settings): HandshakeLoadOptions => ({
  ...connectTo(target),
  concurrency: settings.handshakeConcurrency,
  maxConnections: 1_000_000,
  durationMs: settings.seconds * 1000,
});

/** New connections per second with full handshakes (never resumed), one request each. */
function fullHandshakeScenario(labels: Labels): Scenario {
  return {
    id: labels.id,
    figures: [{ key: 'cps', label: labels.label, unit: 'conn/s', better: 'higher' }],
    cpuUnit: 'conn',
    cpuLabel: labels.cpuLabel,
    tools: [],
    preRun: true,
    async run(target, settings) {
      const result = await runHandshakeLoad(handshakeLoad(target, settings));
      if (result.completed === 0)
        return { ok: false, error: `no connection completed: ${result.firstError}` };
      // A resumed connection would make this figure a blend; refuse it rather than mislabel it.
      if (result.resumed > 0) return { ok: false, error: `${result.resumed} connections were resumed` };
      return {
        ok: true,
        figures: { cps: result.completed / result.elapsedSeconds },
        units: result.completed,
        ...warnings([result.failed > 0 && `${result.failed} connections failed (${result.firstError})`]),
      };
    },
  };
}

export const fullHandshakes: Scenario = fullHandshakeScenario({
  id: 'full-handshake',
  label: 'new conns, FULL handshake + 1 req',
  cpuLabel: 'server CPU per full-handshake conn',
});

/** Resumed handshakes of one kind, one request each; every connection offers the primed session. */
function resumedScenario(id: string, mode: ResumeMode, label: string): Scenario {
  return {
    id,
    group: 'resumed',
    figures: [{ key: 'cps', label: `new conns, RESUMED ${label} + 1 req`, unit: 'conn/s', better: 'higher' }],
    cpuUnit: 'conn',
    cpuLabel: `server CPU per resumed conn (${label})`,
    tools: [],
    preRun: true,
    async prepare(target) {
      const primed = await primeSession(
        { ...connectTo(target), concurrency: 1, maxConnections: 1, durationMs: 5000 },
        mode,
      );
      return primed.ok ? { ok: true, value: primed.value } : { ok: false, error: `priming: ${primed.error}` };
    },
    async run(target, settings, prepared) {
      const result = await runHandshakeLoad({
        ...handshakeLoad(target, settings),
        resume: prepared as PrimedSession,
      });
      if (result.completed === 0)
        return { ok: false, error: `no connection completed: ${result.firstError}` };
      // A full handshake would make this figure a blend; refuse it rather than mislabel it.
      const full = result.completed - result.resumed;
      if (full > 0)
        return { ok: false, error: `${full} of ${result.completed} connections were not resumed` };
      return {
        ok: true,
        figures: { cps: result.completed / result.elapsedSeconds },
        units: result.completed,
        ...warnings([result.failed > 0 && `${result.failed} connections failed (${result.firstError})`]),
      };
    },
  };
}

export const resumedTls12SessionId = resumedScenario(
  'resumed-tls12-id',
  'tls12-session-id',
  'TLS1.2 session id',
);
export const resumedTls12Ticket = resumedScenario('resumed-tls12-ticket', 'tls12-ticket', 'TLS1.2 ticket');
export const resumedTls13Ticket = resumedScenario('resumed-tls13-ticket', 'tls13-ticket', 'TLS1.3 ticket');

/**
 * Large bodies streamed from the backend through the proxy, downloaded back to back for the run's
 * duration: one download would be too short for the CPU clock's 10 ms ticks to resolve.
 */
function bulkDownloadScenario(labels: Labels): Scenario {
  return {
    id: labels.id,
    figures: [{ key: 'mibps', label: labels.label, unit: 'MiB/s', better: 'higher' }],
    cpuUnit: 'MiB',
    cpuLabel: labels.cpuLabel,
    tools: ['curl'],
    async run(target, settings) {
      const expected = settings.bulkMiB * MiB;
      const deadline = performance.now() + settings.seconds * 1000;
      let bytes = 0;
      let seconds = 0;
      for (let i = 0; i < 100 && (i === 0 || performance.now() < deadline); i++) {
        const result = await curlDownload({
          port: target.server.port,
          hostname: target.hostname,
          path: bigPath,
          ca: target.ca,
          timeoutSeconds: 120,
        });
        if (!result.ok) return result;
        if (result.value.bytes !== expected) {
          return { ok: false, error: `received ${result.value.bytes} bytes, expected ${expected}` };
        }
        bytes += result.value.bytes;
        seconds += result.value.seconds;
      }
      return { ok: true, figures: { mibps: bytes / MiB / seconds }, units: bytes / MiB };
    },
  };
}

export const bulkDownload: Scenario = bulkDownloadScenario({
  id: 'bulk',
  label: 'bulk download',
  cpuLabel: 'server CPU per MiB',
});

/** TLS termination, in run order: the memory figure first, while the servers' heaps are still fresh. */
export const scenarios: readonly Scenario[] = [
  idleConnections,
  keepAlive,
  fullHandshakes,
  resumedTls12SessionId,
  resumedTls12Ticket,
  resumedTls13Ticket,
  bulkDownload,
];

// Passthrough: the same clients through a proxy that relays the TLS bytes to the HTTPS backend. The
// handshake's cryptography is the backend's and the client's; what the proxy spends is its own cost
// of accepting, reading the ClientHello, connecting upstream and copying bytes.

/** Full handshakes (with the backend) through the proxy, one request each. */
export const passthroughHandshakes: Scenario = fullHandshakeScenario({
  id: 'passthrough-handshake',
  label: 'new conns through passthrough, FULL handshake + 1 req',
  cpuLabel: 'proxy CPU per conn',
});

/** Encrypted bulk bytes relayed from the backend, as they are. */
export const passthroughBulk: Scenario = bulkDownloadScenario({
  id: 'passthrough-bulk',
  label: 'bulk download through passthrough',
  cpuLabel: 'proxy CPU per MiB',
});

export const passthroughScenarios: readonly Scenario[] = [passthroughHandshakes, passthroughBulk];
