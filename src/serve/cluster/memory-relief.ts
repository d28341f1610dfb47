// A worker gives memory back after a load has passed. The memory thousands of closed connections
// used is mostly freed only when V8 collects their JS wrappers, and V8 starts no collection in an
// idle process: RSS would stay at the high-water mark (measured: docs/benchmarks.md, "RSS after a
// load"). So when the open sockets fall to a quarter of a peak of at least 1,000 and stay there for
// two checks, the worker runs one memory-reducing collection (V8's "last resort" flavour, which also
// returns V8's emptied pages to the OS) and logs it. Needs --expose-gc (worker-env.ts); without it,
// nothing happens.

import type { Logger } from '../../observe/index.ts';

export const RELIEF = {
  /** A load this small leaves little behind: not worth a full collection. */
  minPeak: 1000,
  /** "Passed": open sockets at or below this share of the peak. */
  fallTo: 0.25,
  /** Consecutive checks below it (a lull within a load is not its end). */
  quietChecks: 2,
  checkMs: 5000,
  /** At most one collection per this long, whatever the load does. */
  minIntervalMs: 60_000,
} as const;

export interface ReliefState {
  /** The highest open-socket count since the last collection. */
  readonly peak: number;
  readonly quiet: number;
  /** When the last collection ran (ms), or -Infinity. */
  readonly lastAt: number;
}

export const initialRelief: ReliefState = { peak: 0, quiet: 0, lastAt: Number.NEGATIVE_INFINITY };

/** One check: the next state, and whether to collect now. Pure. */
export function reliefStep(
  s: ReliefState,
  open: number,
  now: number,
): { state: ReliefState; collect: boolean } {
  const peak = Math.max(s.peak, open);
  const passed = peak >= RELIEF.minPeak && open <= peak * RELIEF.fallTo;
  const quiet = passed ? s.quiet + 1 : 0;
  if (quiet >= RELIEF.quietChecks && now - s.lastAt >= RELIEF.minIntervalMs)
    return { state: { peak: open, quiet: 0, lastAt: now }, collect: true };
  return { state: { peak, quiet, lastAt: s.lastAt }, collect: false };
}

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Sockets (client and upstream) this process holds: what a load leaves memory behind for. */
const openSockets = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

const mib = (bytes: number): number => Math.round(bytes / 104857.6) / 10;

/** Starts the checks; returns the function that stops them (on drain). */
export function startMemoryRelief(log: Logger): () => void {
  const gc = (globalThis as { gc?: Collect }).gc;
  if (gc === undefined) return () => {};
  let state = initialRelief;
  const timer = setInterval(() => {
    const open = openSockets();
    const step = reliefStep(state, open, performance.now());
    const peak = state.peak;
    state = step.state;
    if (!step.collect) return;
    const before = process.memoryUsage.rss();
    const started = performance.now();
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    log({
      event: 'memory_relief',
      connections_peak: peak,
      connections: open,
      rss_mib_before: mib(before),
      rss_mib_after: mib(process.memoryUsage.rss()),
      gc_ms: Math.round((performance.now() - started) * 10) / 10,
    });
  }, RELIEF.checkMs);
  timer.unref();
  return () => clearInterval(timer);
}
