// One run of one scenario against one server, with the server's CPU time read around it.
import { cpuSeconds } from './proc.ts';
import type { Scenario } from './scenarios.ts';
import type { Settings, Target } from './target.ts';

export type Sample =
  | { ok: true; figures: Record<string, number>; cpuMicrosPerUnit: number; warning?: string }
  | { ok: false; error: string };

export async function measure(scenario: Scenario, target: Target, settings: Settings): Promise<Sample> {
  // The process list is read at both ends: a worker that appeared mid-run is counted from zero, which
  // is right, since all its CPU time was spent during the run.
  const before = new Map(target.server.pids().map((pid) => [pid, cpuSeconds([pid])]));
  const outcome = await scenario.run(target, settings);
  if (!outcome.ok) return outcome;
  let spent = 0;
  for (const pid of target.server.pids()) spent += cpuSeconds([pid]) - (before.get(pid) ?? 0);
  return {
    ok: true,
    figures: outcome.figures,
    cpuMicrosPerUnit: outcome.units > 0 ? (spent * 1e6) / outcome.units : Number.NaN,
    ...(outcome.warning === undefined ? {} : { warning: outcome.warning }),
  };
}
