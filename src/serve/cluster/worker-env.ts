// How the primary starts its workers, beyond Node's defaults (measured: docs/benchmarks.md, "RSS after
// a load"). Workers get a larger starting limit for V8's old generation (WORKER_OLD_SPACE, below),
// and --expose-gc, so a worker can give memory back once a load has passed (memory-relief.ts): after
// thousands of connections close, most of what they used is only freed when V8 collects their JS
// wrappers, and V8 starts no collection in an idle process. TLSTERM_MALLOC=jemalloc preloads jemalloc
// into the workers (when installed) with a background thread that returns freed pages to the OS:
// glibc's malloc keeps them (its heap is fragmented by then, and only malloc_trim, which Node cannot
// call, would release them).

import module from 'node:module';
import { nodeFlagWords } from '../node-flags.ts';

/** Where Debian/Ubuntu/Fedora/Alpine put jemalloc's shared library. */
export const JEMALLOC_PATHS: readonly string[] = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  '/usr/lib64/libjemalloc.so.2',
  '/usr/lib/libjemalloc.so.2',
];

/** jemalloc returns pages unused for 1 s, from its own thread (an idle process makes no calls that would). */
export const JEMALLOC_CONF = 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0';

const EXPOSE_GC = '--expose-gc';

/**
 * V8 starts a full collection each time its old generation grows ~8 MiB past what the last one left,
 * and the buffers a worker relays count toward that growth: relaying a download, a worker (~11 MiB
 * live) ran a Mark-Compact every ~40 ms, 15–21 per 256 MiB, against 7 for Node's bare proxy floor. A
 * 64 MiB starting limit: 1 per 256 MiB and bulk CPU per MiB 0.66× in a fresh worker, 0.92× once V8
 * has sized the heap from a load of its own; keep-alive unchanged (3 against 4 Mark-Compacts in 5 s),
 * idle and after-load RSS unchanged (the limit reserves nothing). docs/benchmarks.md, "Bulk: the old
 * generation's starting limit".
 */
export const WORKER_OLD_SPACE = '--initial-old-space-size=64';

/**
 * V8's memory reducer runs a memory-reducing full collection ~8 s into any lull. That collection
 * finds the hidden classes of the connections that just closed unused and deoptimizes every function
 * compiled against them ("embedded weak objects cleared"): 206 functions recompiled in the 3 s of
 * load after a 20 s lull, against 5 without the reducer, and the next burst runs on half-compiled
 * code for 10–20 s (docs/benchmarks.md, "Warm-up and lulls"). A serving process gives memory back
 * through its own relief instead (memory-relief.ts: after a load has passed, at most once a minute,
 * logged).
 */
export const NO_MEMORY_REDUCER = '--no-memory-reducer';

/**
 * V8's young generation grows to 64 MiB (two 32 MiB semi-spaces) under a burst of new connections
 * and stays that size until a memory-reducing collection: a single process held 2,000 idle
 * connections in 215 and 200 MiB (43 and 38 KiB each over its warmed-up base), and 240 MiB under
 * handshake load. With 8 MiB semi-spaces: 177 and 176 MiB (27 KiB each) and 156 MiB; CPU per full
 * handshake, keep-alive request and MiB of a download within the noise of paired runs (a proxy's
 * short-lived objects die young either way). docs/benchmarks.md, "The young generation".
 */
export const YOUNG_GENERATION = '--max-semi-space-size=8';

/** Flags by which an operator sizes V8's heap: theirs, then, not ours. */
const HEAP_SIZING = /^--(initial-old-space-size|initial-heap-size|max-old-space-size|max-heap-size)(=|$)/;
/** Flags by which an operator sizes the young generation (the whole heap's size sets it too). */
const YOUNG_SIZING =
  /^--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|initial-heap-size|max-heap-size)(=|$)/;
/** The operator's own choice about V8's memory reducer. */
const MEMORY_REDUCER = /^--(no-)?memory-reducer(=|$)/;

/**
 * What a serving process adds to Node's flags: the old generation's starting limit unless the
 * operator sizes the heap, the young generation's size unless the operator sizes it, and no memory
 * reducer unless the operator chose (on the command line or in NODE_OPTIONS). Pure.
 */
export function servingV8Flags(execArgv: readonly string[], nodeOptions?: string): string[] {
  // V8's flags may be spelled with underscores (--max_old_space_size).
  const words = nodeFlagWords(execArgv, nodeOptions).map((flag) => flag.replaceAll('_', '-'));
  return [
    ...(words.some((f) => HEAP_SIZING.test(f)) ? [] : [WORKER_OLD_SPACE]),
    ...(words.some((f) => YOUNG_SIZING.test(f)) ? [] : [YOUNG_GENERATION]),
    ...(words.some((f) => MEMORY_REDUCER.test(f)) ? [] : [NO_MEMORY_REDUCER]),
  ];
}

/** The workers' Node flags: the primary's own, plus --expose-gc and servingV8Flags. Pure. */
export function workerGcArgv(parent: readonly string[], nodeOptions?: string): string[] {
  const argv = parent.includes(EXPOSE_GC) ? [...parent] : [...parent, EXPOSE_GC];
  return [...argv, ...servingV8Flags(parent, nodeOptions)];
}

/**
 * The environment that gives a Node child (a worker, the config checker) this process's compile
 * cache: its modules come compiled and type-stripped, so no TypeScript stripper loads in it (~20 MiB).
 */
export function compileCacheEnv(
  dir: string | undefined = module.getCompileCacheDir?.(),
): Record<string, string> {
  return dir === undefined ? {} : { NODE_COMPILE_CACHE: dir };
}

/** Set on the command single_process execs, so that it runs once. */
export const SERVING_EXEC = 'TLSTERM_SERVING_EXEC';

/**
 * single_process: the serving process is the one the operator started, so it gets what a worker gets
 * at its start, V8's starting limit and (TLSTERM_MALLOC=jemalloc) the preloaded allocator, by
 * replacing itself once (execve: same pid, same stdio) with them; neither can be given to a running
 * process (measured: v8.setFlagsFromString leaves the limit as it was; bulk CPU per MiB ~2× without
 * it, docs/benchmarks.md, "One process"). The command and environment to exec, or undefined when
 * there is nothing to add or this is the exec already. Pure: `exists` is the file check.
 */
export function servingExec(
  execPath: string,
  execArgv: readonly string[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string) => boolean,
): { argv: string[]; env: Record<string, string> } | undefined {
  if (env[SERVING_EXEC] === '1') return undefined;
  const flags = servingV8Flags(execArgv, env.NODE_OPTIONS);
  const allocator = workerAllocatorEnv(env, exists);
  const preload = allocator.ok ? allocator.env : {};
  if (flags.length === 0 && Object.keys(preload).length === 0) return undefined;
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) kept[k] = v;
  return {
    argv: [execPath, ...execArgv, ...flags, ...argv.slice(1)],
    env: { ...kept, ...preload, [SERVING_EXEC]: '1' },
  };
}

export type AllocatorEnv =
  | { readonly ok: true; readonly env: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly why: string };

/**
 * Extra environment for the workers, from the primary's: nothing unless TLSTERM_MALLOC=jemalloc
 * (then LD_PRELOAD and, unless set already, MALLOC_CONF). Pure: `exists` is the file check.
 */
export function workerAllocatorEnv(
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string) => boolean,
): AllocatorEnv {
  const wanted = env.TLSTERM_MALLOC;
  if (wanted === undefined || wanted === '' || wanted === 'system') return { ok: true, env: {} };
  if (wanted !== 'jemalloc')
    return {
      ok: false,
      why: `TLSTERM_MALLOC=${wanted}: give jemalloc or system; the workers use the system malloc`,
    };
  const path = JEMALLOC_PATHS.find(exists);
  if (path === undefined)
    return {
      ok: false,
      why: `TLSTERM_MALLOC=jemalloc: libjemalloc.so.2 not found (${JEMALLOC_PATHS.join(', ')}); install libjemalloc2; the workers use the system malloc`,
    };
  const preload = env.LD_PRELOAD === undefined || env.LD_PRELOAD === '' ? path : `${path}:${env.LD_PRELOAD}`;
  return { ok: true, env: { LD_PRELOAD: preload, MALLOC_CONF: env.MALLOC_CONF ?? JEMALLOC_CONF } };
}
