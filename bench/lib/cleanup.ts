// Last-resort cleanup: whatever is registered here runs when the process exits, including on
// Ctrl-C or a kill, so no server keeps running and no temp dir stays behind. Functions must be
// synchronous ('exit' handlers cannot wait).
const tasks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const task of tasks) {
    try {
      task();
    } catch {
      // one failed cleanup must not stop the others
    }
  }
  tasks.clear();
}

/** Registers `task`; returns a function that unregisters it (once it has been done normally). */
export function onExit(task: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => process.exit(130)); // 'exit' then runs the tasks
    }
  }
  tasks.add(task);
  return () => {
    tasks.delete(task);
  };
}
