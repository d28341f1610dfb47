// The program the config check runs in when the process that asks serves (plan-load.ts): read the
// config, check it, send the plan back by value, exit. A Ctrl-C or hangup sent to the whole process
// group is the serving process's business; it ends this child by closing the channel.
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
process.on('disconnect', () => process.exit(0));

const { answerPlanCheck } = await import('./plan-load.ts');
const source = JSON.parse(process.argv[2] ?? '{}') as import('./plan-load.ts').PlanSource;
const sent: Promise<unknown>[] = [];
await answerPlanCheck(source, (m) => {
  sent.push(new Promise((resolve) => process.send?.(m, undefined, {}, resolve)));
});
// Every message written before the channel closes: the parent reads the answer, then 'disconnect'.
await Promise.all(sent);
process.disconnect();
