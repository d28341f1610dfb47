// What a cluster worker runs, once worker-main.ts has set its signals: not the CLI. A worker loads
// only what serving needs — no YAML parser, config schema or checks (the plan arrives from the
// primary, plan-wire.ts), no ACME client, no metrics library, no prober or tracer — so each worker
// stays a few MiB above a bare Node process (docs/benchmarks.md, "A small process").

import process from 'node:process';
import { createLogOutput } from '../../observe/index.ts';
import { configureLog, reopenOnRequest } from '../log-reopen.ts';
import { takeOverSigusr1 } from '../no-inspector.ts';
import { decodePlan } from './plan-wire.ts';
import type { PlanLoad } from './reload.ts';
import { runWorker } from './worker.ts';
import { processLink } from './worker-link.ts';

// Every line a worker writes says which worker (rendered once by the logger, not per call).
const output = createLogOutput({
  fields: { worker: process.pid },
  workers: Number(process.env['TLSTERM_WORKERS'] ?? 0),
});
process.once('exit', () => output.flushSync());
takeOverSigusr1(() => output.reopen());
reopenOnRequest(output);

const link = processLink();

/** The generation's plan, asked of the primary (a message sent before this listener exists would be lost). */
const askPlan = (): Promise<PlanLoad> =>
  new Promise((resolve) => {
    const stop = link.onMessage((m) => {
      if (m.type !== 'plan') return;
      stop();
      const plan = decodePlan(m.plan);
      const why = configureLog(output, plan);
      resolve(why === undefined ? { ok: true, plan } : { ok: false, why });
    });
    link.send({ type: 'plan-get' });
  });

process.exitCode = await runWorker({ load: askPlan, log: output.log, link });
