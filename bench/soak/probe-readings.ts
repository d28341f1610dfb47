// Reads the memory probe's files (memory-probe.ts): the last reading of each process at or before a time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProbeReading {
  readonly t: number;
  readonly pid: number;
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export function lastReadings(dir: string, atMs = Number.POSITIVE_INFINITY): Map<number, ProbeReading> {
  const out = new Map<number, ProbeReading>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return out;
  }
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line === '') continue;
      const r = JSON.parse(line) as ProbeReading;
      if (r.t <= atMs) out.set(r.pid, r);
    }
  }
  return out;
}
