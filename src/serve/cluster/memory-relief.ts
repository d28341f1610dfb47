// A worker gives memory back after a load has passed. The memory a load's connections used is
// mostly freed only when V8 collects their JS wrappers, and V8 starts no collection in an idle
// process: RSS would stay at the high-water mark (measured: docs/benchmarks.md, "RSS after a
// load"). So when the worker's RSS has grown by 32 MiB or more since its last collection and its open
// sockets have fallen to a quarter of their peak for six checks in a row (30 s), it runs one
// memory-reducing collection (V8's "last resort" flavour, which also returns V8's emptied pages to
// the OS) and logs it. Held connections and handshake floods both grow RSS (the soak showed floods
// do with only ~30 sockets open), so the trigger is the memory, not a connection count; and the
// worker must also be idle (its own CPU below 5% of a core over the check): a steady load with few
// connections open at a time (a handshake benchmark at 16 at once) is not a load that has passed, and
// a last-resort collection in the middle of it cost ~10% of its handshake CPU (bench, paired runs).
// It collects through compactHeap: a worker's --expose-gc (worker-env.ts), or V8's flags in a primary
// that serves (single_process).

import { performance } from 'node:perf_hooks';
import process from 'node:process';
import type { Logger } from '../../observe/index.ts';
import { compactHeap } from '../compact-heap.ts';

export const RELIEF = {
  /** Growth below this is not worth a full collection. */
  minGrowthBytes: 32 * 1024 * 1024,
  /** "Passed": open sockets at or below this share of their peak since the last collection… */
  fallTo: 0.25,
  /** …or at most this many (a load that came and went between two checks leaves no peak). */
  idleSockets: 16,
  /**
   * Consecutive quiet checks (30 s) before collecting: a lull within a load is not its end, and a
   * last-resort collection drops compiled code the next burst must compile again (bench: with 2
   * checks, relief between bench rounds cost the full-handshake rows 11–34% CPU; without it, 1.05x).
   */
  quietChecks: 6,
  checkMs: 5000,
  /** At most one collection per this long, whatever the load does. */
  minIntervalMs: 60_000,
  /** "Passed" also means idle: the worker's own CPU since the last check, as a share of one core. */
  idleCpuShare: 0.05,
} as const;

export interface ReliefState {
  /** The highest open-socket count since the last collection. */
  readonly peak: number;
  readonly quiet: number;
  /** The lowest RSS since start or the last collection: what growth is measured from. */
  readonly baseRss: number;
  /** When the last collection ran (ms), or -Infinity. */
  readonly lastAt: number;
}

/** The state at start: growth is measured from the RSS the worker has once it listens. */
export const initialRelief = (rss: number): ReliefState => ({
  peak: 0,
  quiet: 0,
  baseRss: rss,
  lastAt: Number.NEGATIVE_INFINITY,
});

export interface ReliefReading {
  /** Sockets open now (client and upstream). */
  readonly open: number;
  readonly rss: number;
  /** The worker's CPU time since the last check, as a share of one core (0 when unknown). */
  readonly busy: number;
}

/** One check: the next state, and whether to collect now. Pure. */
export function reliefStep(
  s: ReliefState,
  r: ReliefReading,
  now: number,
): { state: ReliefState; collect: boolean } {
  const baseRss = Math.min(s.baseRss, r.rss);
  const peak = Math.max(s.peak, r.open);
  const passed =
    r.busy <= RELIEF.idleCpuShare &&
    r.rss - baseRss >= RELIEF.minGrowthBytes &&
    r.open <= Math.max(peak * RELIEF.fallTo, RELIEF.idleSockets);
  const quiet = passed ? s.quiet + 1 : 0;
  if (quiet >= RELIEF.quietChecks && now - s.lastAt >= RELIEF.minIntervalMs)
    return { state: { peak: r.open, quiet: 0, baseRss, lastAt: now }, collect: true };
  return { state: { peak, quiet, baseRss, lastAt: s.lastAt }, collect: false };
}

/** After a collection: growth is measured from what the collection left. */
export const afterCollect = (s: ReliefState, rss: number): ReliefState => ({ ...s, baseRss: rss });

/** Sockets (client and upstream) this process holds: what a load leaves memory behind for. */
const openSockets = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

const mib = (bytes: number): number => Math.round(bytes / 104857.6) / 10;

/** Starts the checks; returns the function that stops them (on drain). */
export function startMemoryRelief(log: Logger): () => void {
  // Once at start (the worker listens and has served nothing): the garbage of loading the modules and
  // building the servers, and the pages it took, go back now, not after the first load has passed
  // (measured: a worker's anonymous memory 44 → 31 MiB on glibc, 36 → 26 on jemalloc; tens of ms).
  compactHeap();
  let state = initialRelief(process.memoryUsage.rss());
  let cpu = process.cpuUsage();
  let at = performance.now();
  const timer = setInterval(() => {
    const open = openSockets();
    const before = process.memoryUsage.rss();
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const busy = (used.user + used.system) / 1000 / Math.max(1, now - at);
    cpu = process.cpuUsage();
    at = now;
    const step = reliefStep(state, { open, rss: before, busy }, now);
    const peak = state.peak;
    state = step.state;
    if (!step.collect) return;
    const started = performance.now();
    compactHeap();
    const rssAfter = process.memoryUsage.rss();
    state = afterCollect(state, rssAfter);
    log({
      event: 'memory_relief',
      connections_peak: peak,
      connections: open,
      rss_mib_before: mib(before),
      rss_mib_after: mib(rssAfter),
      gc_ms: Math.round((performance.now() - started) * 10) / 10,
    });
  }, RELIEF.checkMs);
  timer.unref();
  return () => clearInterval(timer);
}
