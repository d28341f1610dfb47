// Where a process's resident memory sits, from /proc/PID/smaps: the brk heap (glibc's main arena),
// anonymous mappings (other malloc arenas, V8's heap, big mmap'd blocks), and file-backed pages
// (the node binary, libraries). Tells "malloc keeps freed memory" from "someone still holds it".
import { readFileSync } from 'node:fs';

export interface RssByKind {
  readonly brkHeapMiB: number;
  readonly anonMiB: number;
  readonly fileMiB: number;
  /** Pages freed with MADV_FREE (e.g. by jemalloc): still counted in RSS until the kernel needs them. */
  readonly lazyFreeMiB: number;
}

/** Pure: sums the Rss: lines of each mapping in an smaps text by the mapping's kind. */
export function rssByKind(smaps: string): RssByKind {
  let kind: 'brk' | 'anon' | 'file' = 'anon';
  const kib = { brk: 0, anon: 0, file: 0 };
  let lazy = 0;
  for (const line of smaps.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) {
      const name = header[1] ?? '';
      kind = name === '[heap]' ? 'brk' : name === '' || name.startsWith('[') ? 'anon' : 'file';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) kib[kind] += Number(rss[1]);
    const lazyFree = /^LazyFree:\s+(\d+) kB/.exec(line);
    if (lazyFree !== null) lazy += Number(lazyFree[1]);
  }
  const mib = (k: number): number => Math.round((k / 1024) * 10) / 10;
  return { brkHeapMiB: mib(kib.brk), anonMiB: mib(kib.anon), fileMiB: mib(kib.file), lazyFreeMiB: mib(lazy) };
}

export function readRssByKind(pid: number): RssByKind | undefined {
  try {
    return rssByKind(readFileSync(`/proc/${pid}/smaps`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The `n` largest mappings by RSS, as "RSS_KiB SIZE_KiB name" lines (experiments only). */
export function topMappings(pid: number, n: number): string[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return [];
  }
  const maps: { name: string; size: number; rss: number }[] = [];
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) {
      const size = (Number.parseInt(header[2] ?? '0', 16) - Number.parseInt(header[1] ?? '0', 16)) / 1024;
      maps.push({ name: header[3] || '(anon)', size, rss: 0 });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = maps.at(-1);
    if (rss !== null && last !== undefined) last.rss = Number(rss[1]);
  }
  return maps
    .sort((a, b) => b.rss - a.rss)
    .slice(0, n)
    .map((m) => `${m.rss} ${m.size} ${m.name}`);
}
