// Reading a server's footprint from /proc: every process of the server counts (nginx master +
// workers), because that is what the machine pays for.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second: utime/stime in /proc/<pid>/stat are counted in these. */
export const clockTicksPerSecond: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

interface StatFields {
  readonly ppid: number;
  readonly ticks: number;
}

// The command name (field 2) may contain spaces and parentheses, so fields are counted from the
// last ')'. After it: state(3) ppid(4) … utime(14) stime(15).
function readStat(pid: number): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone between listing and reading
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { ppid, ticks: utime + stime };
}

/** The root pid and all its descendants that are alive now. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat === undefined) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  if (readStat(rootPid) === undefined) return [];
  const tree: number[] = [];
  const queue = [rootPid];
  // A process tree is finite and acyclic; the bound only guards against a corrupt listing.
  while (queue.length > 0 && tree.length < 10_000) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** User + system CPU seconds consumed so far by the given processes (threads included). */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / clockTicksPerSecond;
}

/**
 * The memory of a group of processes with the pages they share counted once: each one's private
 * pages (Private_Clean + Private_Dirty) summed, plus the largest shared set among them (the Node or
 * nginx binary and libraries, which all of them map). The RSS sum counts the shared pages once per
 * process (~50 MiB per Node process); PSS would divide them with every other process of the machine
 * that maps the same files (the bench runner is Node too). 0 where smaps_rollup is unreadable.
 */
export function sharedOnceBytes(pids: readonly number[]): number {
  let privateKib = 0;
  let sharedKib = 0;
  const field = (text: string, name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? 0);
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      privateKib += field(text, 'Private_Clean') + field(text, 'Private_Dirty');
      sharedKib = Math.max(sharedKib, field(text, 'Shared_Clean') + field(text, 'Shared_Dirty'));
    } catch {
      // process gone: contributes nothing
    }
  }
  return (privateKib + sharedKib) * 1024;
}

/** Resident set size summed over the processes, in bytes (shared pages are counted once per process). */
export function rssBytes(pids: readonly number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += Number(match?.[1] ?? 0);
    } catch {
      // process gone: contributes nothing
    }
  }
  return kib * 1024;
}
