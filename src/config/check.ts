// `tlsterm check`: read a YAML config, validate it, and build the Plan `serve` runs. Every finding is a
// Problem with a config path, a line, a message and a hint; the plan is only returned when there is
// no error. Nothing here throws on bad input. This file runs the per-area checks in order (schema,
// keylog, extra_ca, listeners and their sites, ACME across sites, state, drain); each area lives in
// its own *-check.ts.

import fs from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import type { Problem } from '../problems.ts';
import { hasErrors } from '../problems.ts';
import { acmeCrossChecks } from './acme-check.ts';
import { checkAdmin } from './admin-check.ts';
import { Checker, type CheckOptions } from './checker.ts';
import { DEFAULTS, defaultStateDir } from './defaults.ts';
import { parseDuration } from './duration.ts';
import { loadExtraCa } from './extra-ca-check.ts';
import { checkKeylog } from './keylog-check.ts';
import { checkListeners } from './listener-check.ts';
import { checkLog } from './log-check.ts';
import type { Plan } from './plan.ts';
import { checkPools } from './pools-check.ts';
import { checkPrivileges } from './privileges-check.ts';
import { checkProcesses } from './process-check.ts';
import { checkState } from './resumption-check.ts';
import { checkReusePort } from './reuse-port-check.ts';
import { ConfigSchema, type RawConfig } from './schema.ts';
import { schemaProblems } from './schema-problems.ts';
import { parseYaml } from './yaml-source.ts';

export type { CheckOptions } from './checker.ts';

export interface CheckResult {
  /** Set when there is no error (warnings allowed). */
  readonly plan?: Plan;
  /** Unsorted; formatProblems sorts by line. */
  readonly problems: Problem[];
}

/** Read, parse and check a config file. */
export async function checkConfigFile(file: string, opts: CheckOptions = {}): Promise<CheckResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (code ?? String(e));
    return {
      problems: [
        {
          severity: 'error',
          path: '',
          message: `cannot read config ${file}: ${why}`,
          hint: 'check the path and permissions, or run `tlsterm serve` without -c for the built-in default',
        },
      ],
    };
  }
  return checkConfigText(text, file, opts);
}

/** Check config text as if read from `file` (relative paths resolve from the file's directory). */
export async function checkConfigText(
  text: string,
  file: string,
  opts: CheckOptions = {},
): Promise<CheckResult> {
  const source = parseYaml(text);
  if (hasErrors(source.problems)) return { problems: source.problems };
  if (source.value === null || source.value === undefined) {
    return {
      problems: [
        ...source.problems,
        {
          severity: 'error',
          path: '',
          line: 1,
          message: 'the config is empty',
          hint: 'start from the example in docs/configuration.md (at least one listener with one site)',
        },
      ],
    };
  }
  const parsed = v.safeParse(ConfigSchema, source.value);
  if (!parsed.success) return { problems: [...source.problems, ...schemaProblems(parsed.issues, source)] };

  const checker = new Checker(source, file, opts);
  let plan: Plan | undefined;
  try {
    plan = await checkPlan(checker, parsed.output);
  } catch (e) {
    // A bug here must still come out as a Problem: `check` never crashes on a config.
    checker.problems.push({
      severity: 'error',
      path: '',
      message: `internal error while checking: ${e instanceof Error ? e.message : String(e)}`,
      hint: 'this is a tlsterm bug; please report it with the config (without private keys)',
    });
  }
  const problems = [...source.problems, ...checker.problems];
  return hasErrors(problems) || !plan ? { problems } : { plan, problems };
}

const durationOf = (value: string | number): number => {
  const d = parseDuration(value);
  return d.ok ? d.value : DEFAULTS.drainTimeoutMs;
};

/** The semantic checks, in the order their Problems come out; the Plan when none is an error. */
async function checkPlan(ctx: Checker, raw: RawConfig): Promise<Plan | undefined> {
  const stateDir =
    raw.state_dir !== undefined ? ctx.resolveFile(raw.state_dir) : defaultStateDir(ctx.opts.env);
  const keylog = checkKeylog(ctx, raw.keylog);
  const log = checkLog(ctx, raw.log);
  ctx.extraCa = await loadExtraCa(ctx, raw.extra_ca ?? [], stateDir);
  ctx.stateDir = stateDir;
  ctx.pools = await checkPools(ctx, raw.pools);
  const { listeners, httpListeners } = await checkListeners(ctx, raw.listeners);

  acmeCrossChecks(ctx, listeners, httpListeners);
  const state = await checkState(ctx, raw.state);
  const admin = await checkAdmin(ctx, raw.admin);
  const drainTimeoutMs =
    raw.drain_timeout !== undefined ? durationOf(raw.drain_timeout) : DEFAULTS.drainTimeoutMs;
  if (drainTimeoutMs === 0)
    ctx.add(
      'warning',
      'drain_timeout',
      'drain_timeout 0: a reload or stop cuts every open connection at once',
      'give requests in flight time to finish, e.g. drain_timeout: 30s',
    );
  const runAs = checkPrivileges(ctx, raw, listeners);
  const processes = checkProcesses(ctx, raw);
  checkReusePort(ctx, raw);
  if (hasErrors(ctx.problems)) return undefined;
  return {
    source: path.resolve(ctx.file),
    stateDir,
    workers: processes.workers,
    ...(processes.singleProcess ? { singleProcess: true } : {}),
    drainTimeoutMs,
    state,
    listeners,
    httpListeners,
    extraCa: ctx.extraCa,
    ...(keylog ?? {}),
    log,
    ...(admin !== undefined ? { admin } : {}),
    ...(ctx.pools.size + ctx.inlinePools.length > 0
      ? { pools: [...ctx.pools.values(), ...ctx.inlinePools] }
      : {}),
    ...(runAs !== undefined ? { runAs } : {}),
  };
}
