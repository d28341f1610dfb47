// How the primary starts its workers, beyond Node's defaults (measured: docs/benchmarks.md, "RSS after
// a load"). Workers get --expose-gc, so a worker can give memory back once a load has passed
// (memory-relief.ts): after thousands of connections close, most of what they used is only freed when
// V8 collects their JS wrappers, and V8 starts no collection in an idle process. TLSTERM_MALLOC=jemalloc
// preloads jemalloc into the workers (when installed) with a background thread that returns freed
// pages to the OS: glibc's malloc keeps them (its heap is fragmented by then, and only malloc_trim,
// which Node cannot call, would release them).

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

/** The workers' Node flags: the primary's own, plus --expose-gc. */
export function workerGcArgv(parent: readonly string[]): string[] {
  return parent.includes(EXPOSE_GC) ? [...parent] : [...parent, EXPOSE_GC];
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
