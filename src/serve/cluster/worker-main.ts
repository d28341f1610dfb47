// The program a cluster worker runs (cluster.setupPrimary's `exec`). Signals are the primary's
// business (worker.ts): a Ctrl-C or hangup sent to the whole process group must not end a worker,
// even one still loading its modules, so they are ignored before anything is imported (static
// imports would be evaluated before this line).
import process from 'node:process';

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
await import('./worker-start.ts');
