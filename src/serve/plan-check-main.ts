// The program every config check of `serve` runs in (plan-load.ts): read the config, check it, send
// the plan back by value, exit. A Ctrl-C or hangup sent to the whole process group is the serving
// process's business; it ends this child by closing the channel.
import process from 'node:process';
import type { CheckerMessage, PlanSource } from './plan-load.ts';

for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
process.on('disconnect', () => process.exit(0));

const { answerPlanCheck } = await import('./plan-load.ts');
const sent: Promise<unknown>[] = [];
const send = (m: CheckerMessage): void => {
  sent.push(new Promise((resolve) => process.send?.(m, undefined, {}, resolve)));
};
try {
  const source = JSON.parse(process.argv[2] ?? '{}') as PlanSource;
  await answerPlanCheck(source, send);
} catch (error) {
  // A bug in the check, not a problem of the config: said as the refusal, not as a bare exit.
  send({ type: 'refused', why: `the config check failed: ${(error as Error).message}` });
}
// Every message written before the channel closes: the parent reads the answer, then 'disconnect'.
await Promise.all(sent);
process.disconnect();
