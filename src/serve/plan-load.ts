// How a config file becomes a plan for `serve`: read and checked in a short-lived child, which sends
// the plan back by value (as it goes to the workers: plan-wire.ts) and exits. The check loads the
// YAML parser, the schema and every rule, ~8 MiB that would stay in the primary for good (ESM modules
// are never unloaded); with single_process the primary is the process that serves, and it should
// carry only what serving needs, as a worker does (docs/benchmarks.md, "A small process").

import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type { LogEvent, Logger } from '../observe/index.ts';
import { prepareAcmeSites } from './acme/index.ts';
import type { PlanLoad } from './cluster/index.ts';
import { decodePlan, encodePlan, type PlanWire } from './cluster/plan-wire.ts';
import { compileCacheEnv } from './cluster/worker-env.ts';
import { workerExecArgv } from './no-inspector.ts';

/** A plan, or why not; `warnings`: the config's warnings as text, when it has some. */
export type PlanFileLoad = PlanLoad & { readonly warnings?: string };

/** Where a config is read: its file (undefined: the embedded default) and the --state-dir given. */
export interface PlanSource {
  readonly configFile: string | undefined;
  readonly stateDir: string | undefined;
}

/** Reads and checks the config in this process (the check's modules load on first use). */
export async function loadPlanHere(source: PlanSource, log: Logger): Promise<PlanFileLoad> {
  const config = await import('../config/index.ts');
  const { configFile, stateDir } = source;
  if (configFile === undefined)
    return { ok: true, plan: await config.buildDefaultPlan(stateDir ?? config.defaultStateDir()) };
  const result = await config.checkConfigFile(configFile);
  const text = result.problems.length > 0 ? config.formatProblems(result.problems, configFile) : undefined;
  if (config.hasErrors(result.problems) || !result.plan)
    return { ok: false, why: text ?? 'the config has errors' };
  // ACME sites serve live/<name>/ (a placeholder until the first issuance, written here first).
  const plan = await prepareAcmeSites(result.plan, log);
  return { ok: true, plan, ...(text !== undefined ? { warnings: text } : {}) };
}

/** `single_process: true` as a top-level line of a config (YAML 1.2: only `true` is true). */
const SINGLE_PROCESS_LINE = /^single_process:[ \t]*true[ \t\r]*(#.*)?$/m;

/**
 * Whether a config says `single_process: true`, seen before it is checked, without the YAML parser:
 * the process replaces itself before the one check instead of checking twice. A miss (a flow-style
 * or quoted key) only means the exec comes after the check; a false hit, that the exec comes first
 * and the check decides. Unreadable: no.
 */
export const saysSingleProcess = (configFile: string): Promise<boolean> =>
  readFile(configFile, 'utf8').then(
    (text) => SINGLE_PROCESS_LINE.test(text),
    () => false,
  );

/** What the checking child sends: its log lines, then one answer. */
export type CheckerMessage =
  | { readonly type: 'log'; readonly event: LogEvent }
  | { readonly type: 'plan'; readonly plan: PlanWire; readonly warnings?: string }
  | { readonly type: 'refused'; readonly why: string };

/** A check that takes longer is ended and the load refused (a config on a hung network mount). */
export const CHECKER_TIMEOUT_MS = 60_000;

const CHECKER_ENTRY = fileURLToPath(new URL(`./plan-check-main${extname(import.meta.url)}`, import.meta.url));

/**
 * Reads and checks the config in a child process, which exits once it has answered: this process
 * never loads the check. The child gets no inspector signal (it reads the private keys) and the
 * compile cache this process uses; its stderr is this process's.
 */
export function loadPlanInChild(
  source: PlanSource,
  log: Logger,
  timeoutMs: number = CHECKER_TIMEOUT_MS,
): Promise<PlanFileLoad> {
  const child = fork(CHECKER_ENTRY, [JSON.stringify(source)], {
    serialization: 'advanced',
    execArgv: workerExecArgv(),
    env: { ...process.env, ...compileCacheEnv() },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise<PlanFileLoad>((resolve) => {
    let answer: PlanFileLoad | undefined;
    let exited = false;
    let disconnected = false;
    // Resolved once the child is gone and its channel read to the end (its last message may come
    // after 'exit'): no check outlives the load that asked for it.
    const done = () => {
      if (!exited || !disconnected) return;
      clearTimeout(timer);
      resolve(
        answer ?? {
          ok: false,
          why: `the config check ended without an answer (${child.signalCode ?? `exit status ${child.exitCode}`})`,
        },
      );
    };
    const timer = setTimeout(() => {
      answer ??= { ok: false, why: `the config check did not finish within ${timeoutMs / 1000} s` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: CheckerMessage) => {
      if (m.type === 'log') return log(m.event);
      if (m.type === 'refused') answer ??= { ok: false, why: m.why };
      else
        answer ??= {
          ok: true,
          plan: decodePlan(m.plan),
          ...(m.warnings !== undefined ? { warnings: m.warnings } : {}),
        };
    });
    child.on('exit', () => {
      exited = true;
      done();
    });
    child.on('disconnect', () => {
      disconnected = true;
      done();
    });
    // Not started at all (no 'exit' follows).
    child.on('error', (error) => {
      if (child.pid !== undefined) return;
      clearTimeout(timer);
      resolve({ ok: false, why: `the config check could not run: ${error.message}` });
    });
  });
}

/** The child's side: check and answer (the child exits once the answer is sent). */
export async function answerPlanCheck(source: PlanSource, send: (m: CheckerMessage) => void): Promise<void> {
  const loaded = await loadPlanHere(source, (event) => send({ type: 'log', event }));
  if (!loaded.ok) return send({ type: 'refused', why: loaded.why });
  const encoded = encodePlan(loaded.plan);
  if (!encoded.ok) return send({ type: 'refused', why: encoded.why });
  send({
    type: 'plan',
    plan: encoded.wire,
    ...(loaded.warnings !== undefined ? { warnings: loaded.warnings } : {}),
  });
}
