// Counts chosen events in tlsterm's JSON log (streamed: a 10-minute soak logs a line per connection).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The events the soak summary reports: crashes, and memory given back. */
export const COUNTED_EVENTS = ['worker_exited', 'memory_relief', 'reloaded', 'reload_failed'] as const;

/** Pure: the event name of a log line, if it has one. */
export function eventOf(line: string): string | undefined {
  return /"event":"([a-z_0-9]+)"/.exec(line)?.[1];
}

export async function countEvents(path: string, names: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  try {
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      const event = eventOf(line);
      if (event !== undefined && event in counts) counts[event] = (counts[event] ?? 0) + 1;
    }
  } catch {
    // no log: all zero
  }
  return counts;
}
