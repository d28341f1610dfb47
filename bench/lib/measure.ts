// One run of one scenario against one server, with the server's CPU time read around it.
import { cpuSeconds } from './proc.ts';
import type { Scenario } from './scenarios.ts';
import type { Settings, Target } from './target.ts';

export type Sample =
  | {
      ok: true;
      figures: Record<string, number>;
      cpuMicrosPerUnit: number;
      /** Only when the target names a backend. */
      backendCpuMicrosPerUnit?: number;
      warning?: string;
    }
  | { ok: false; error: string };

function cpuNow(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuSeconds([pid])]));
}

function cpuSince(before: Map<number, number>, pids: readonly number[]): number {
  let spent = 0;
  for (const pid of pids) spent += cpuSeconds([pid]) - (before.get(pid) ?? 0);
  return spent;
}

export async function measure(scenario: Scenario, target: Target, settings: Settings): Promise<Sample> {
  const prepared = scenario.prepare === undefined ? undefined : await scenario.prepare(target, settings);
  if (prepared !== undefined && !prepared.ok) return prepared;
  if (scenario.preRun === true && settings.preRunSeconds > 0) {
    const pre = await scenario.run(target, { ...settings, seconds: settings.preRunSeconds }, prepared?.value);
    if (!pre.ok) return { ok: false, error: `pre-run: ${pre.error}` };
  }
  // The process list is read at both ends: a worker that appeared mid-run is counted from zero, which
  // is right, since all its CPU time was spent during the run.
  const before = cpuNow(target.server.pids());
  const backendBefore = target.backend === undefined ? undefined : cpuNow(target.backend.pids());
  const outcome = await scenario.run(target, settings, prepared?.value);
  if (!outcome.ok) return outcome;
  const perUnit = (seconds: number): number =>
    outcome.units > 0 ? (seconds * 1e6) / outcome.units : Number.NaN;
  const spent = cpuSince(before, target.server.pids());
  return {
    ok: true,
    figures: outcome.figures,
    cpuMicrosPerUnit: perUnit(spent),
    ...(target.backend === undefined || backendBefore === undefined
      ? {}
      : { backendCpuMicrosPerUnit: perUnit(cpuSince(backendBefore, target.backend.pids())) }),
    ...(outcome.warning === undefined ? {} : { warning: outcome.warning }),
  };
}
