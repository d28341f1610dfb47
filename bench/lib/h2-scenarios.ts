// The HTTP/2 front (its own section: every contender must negotiate h2 by ALPN, checked at the smoke
// check and again by each client): idle memory per h2 connection, and h2load's N connections × M
// concurrent streams of `GET /1k`, proxied to the plain-HTTP/1.1 backend (node-h2 answers itself).
import { openIdleH2Sessions } from './h2-sessions.ts';
import { runH2load } from './h2load.ts';
import { idleScenario, type Scenario, warnings } from './scenarios.ts';
import type { Settings, Target } from './target.ts';

/** RSS with many idle h2 connections open, against a fresh process each round (as `idle`). */
export const h2Idle: Scenario = idleScenario({
  id: 'h2-idle',
  rssLabel: 'RSS with idle h2 conns',
  perConnLabel: '  RSS per idle h2 conn (over warmed-up idle)',
  cpuLabel: 'server CPU per h2 conn (handshake + SETTINGS)',
  noun: 'h2 connection',
  open: (target, settings) =>
    openIdleH2Sessions({
      port: target.server.port,
      servername: target.hostname,
      count: settings.idleConnections,
      concurrency: 32,
      timeoutMs: 60_000,
    }),
});

/** h2load's N connections × M concurrent streams of GET /1k for the run's seconds (a pre-run's too). */
const loadFor = (target: Target, settings: Settings) =>
  runH2load({
    url: `https://127.0.0.1:${target.server.port}/1k`,
    authority: target.hostname,
    connections: settings.h2Connections,
    streams: settings.h2Streams,
    seconds: settings.seconds,
  });

/** h2load: N connections × M concurrent streams of GET /1k for BENCH_SECONDS. */
export const h2Load: Scenario = {
  id: 'h2-load',
  figures: [
    { key: 'rps', label: 'h2 keep-alive 1 KiB (h2load, conns x streams)', unit: 'req/s', better: 'higher' },
  ],
  cpuUnit: 'req',
  cpuLabel: 'server CPU per h2 req',
  tools: ['h2load'],
  // tlsterm's h2 path takes seconds of load to reach its steady state (measured: 122 µs per request
  // over the first 3 s after start, 70 after), and a lull long enough for its memory relief drops
  // compiled code again; without a pre-run, a round that met a cold or relieved tlsterm measured
  // 129–136 µs against 78 in the same run.
  preRun: true,
  async run(target, settings) {
    const result = await loadFor(target, settings);
    if (!result.ok) return result;
    const { done, succeeded, requestsPerSecond, failed, non2xx } = result.value;
    if (non2xx > 0) return { ok: false, error: `${non2xx} of ${done} responses were not 2xx` };
    if (succeeded === 0) return { ok: false, error: `no request succeeded (${failed} without an answer)` };
    return {
      ok: true,
      figures: { rps: requestsPerSecond },
      units: succeeded,
      ...warnings([failed > 0 && `${failed} requests without an answer (reset or closed)`]),
    };
  },
};

/**
 * The HTTP/2 section, in run order: the load first. h2-idle restarts the server for each of its
 * rounds anyway (fresh), and run first it would leave tlsterm idle with a grown heap while the other
 * contenders hold their connections: tlsterm's memory relief then fires (after 30 s idle) and drops
 * compiled code, and the next h2-load run paid for compiling it again (139 against 90 µs per request
 * in a paired check).
 */
export const h2Scenarios: readonly Scenario[] = [h2Load, h2Idle];
