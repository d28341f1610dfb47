// Experiment-only preload (never part of tlsterm): with MEMORY_PROBE_DIR set, each Node process
// started with `--import bench/soak/memory-probe.ts` appends its process.memoryUsage() to
// DIR/<pid>.jsonl every 2 s, and runs a full GC on SIGUSR2 when started with --expose-gc. It tells
// V8 heap from external/ArrayBuffer memory from what only the allocator (malloc) holds.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir !== undefined && dir !== '') {
  const file = join(dir, `${process.pid}.jsonl`);
  const write = (extra: Record<string, unknown> = {}): void => {
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ t: Date.now(), pid: process.pid, ...m, ...extra })}\n`);
  };
  setInterval(write, 2000).unref();
  const collect = (globalThis as { gc?: () => void }).gc;
  process.on('SIGUSR2', () => {
    collect?.();
    write({ gc: collect !== undefined });
  });
}
