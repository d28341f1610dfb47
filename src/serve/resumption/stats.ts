// How many handshakes of a listener were full and how many resumed (and how): the resumption ratio,
// reported as one summary line a minute. Counting is a few integer increments per handshake.

import type { LogEvent, Logger } from '../../observe/index.ts';

export type ResumedBy = 'ticket' | 'session_id';

export interface ResumptionCounts {
  full: number;
  ticket: number;
  session_id: number;
}

export interface ResumptionStats {
  record(resumedBy: ResumedBy | null): void;
  /** The counts since the last call, and reset. */
  take(): ResumptionCounts;
}

export function createResumptionStats(): ResumptionStats {
  let counts: ResumptionCounts = { full: 0, ticket: 0, session_id: 0 };
  return {
    record(by) {
      if (by === null) counts.full++;
      else counts[by]++;
    },
    take() {
      const taken = counts;
      counts = { full: 0, ticket: 0, session_id: 0 };
      return taken;
    },
  };
}

export const addCounts = (a: ResumptionCounts, b: ResumptionCounts): ResumptionCounts => ({
  full: a.full + b.full,
  ticket: a.ticket + b.ticket,
  session_id: a.session_id + b.session_id,
});

/** The summary event for one listener and period; undefined when nothing happened. */
export function resumptionSummary(
  listener: string,
  counts: ResumptionCounts,
  periodMs: number,
): LogEvent | undefined {
  const resumed = counts.ticket + counts.session_id;
  const handshakes = counts.full + resumed;
  if (handshakes === 0) return undefined;
  return {
    event: 'resumption_summary',
    listener,
    period_s: Math.round(periodMs / 1000),
    handshakes,
    full: counts.full,
    resumed,
    resumed_by_ticket: counts.ticket,
    resumed_by_session_id: counts.session_id,
    resumption_ratio: Math.round((resumed / handshakes) * 1000) / 1000,
  };
}

/** Every `periodMs`, one line per listener with handshakes in that period. Returns the stopper. */
export function startResumptionSummary(
  sources: () => ReadonlyMap<string, ResumptionCounts>,
  log: Logger,
  periodMs = 60_000,
): () => void {
  const timer = setInterval(() => {
    for (const [listener, counts] of sources()) {
      const event = resumptionSummary(listener, counts, periodMs);
      if (event !== undefined) log(event);
    }
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
