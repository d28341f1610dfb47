import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileCacheEnv,
  JEMALLOC_CONF,
  NO_MEMORY_REDUCER,
  SERVING_EXEC,
  servingExec,
  WORKER_OLD_SPACE,
  workerAllocatorEnv,
  workerGcArgv,
  YOUNG_GENERATION,
} from '../../../../src/serve/cluster/worker-env.ts';

describe('workerGcArgv', () => {
  const OURS = [WORKER_OLD_SPACE, YOUNG_GENERATION, NO_MEMORY_REDUCER];
  it("adds --expose-gc, the old generation's starting limit, the young generation's size and no memory reducer to the primary flags, once", () => {
    assert.equal(WORKER_OLD_SPACE, '--initial-old-space-size=64');
    assert.equal(YOUNG_GENERATION, '--max-semi-space-size=8');
    assert.equal(NO_MEMORY_REDUCER, '--no-memory-reducer');
    assert.deepEqual(workerGcArgv([]), ['--expose-gc', ...OURS]);
    assert.deepEqual(workerGcArgv(['--expose-gc']), ['--expose-gc', ...OURS]);
    assert.deepEqual(workerGcArgv(['--disable-sigusr1'], '--enable-source-maps'), [
      '--disable-sigusr1',
      '--expose-gc',
      ...OURS,
    ]);
  });
  it('leaves the heap to an operator who sizes it, on the command line or in NODE_OPTIONS', () => {
    assert.deepEqual(workerGcArgv(['--max-old-space-size=512']), [
      '--max-old-space-size=512',
      '--expose-gc',
      YOUNG_GENERATION,
      NO_MEMORY_REDUCER,
    ]);
    assert.deepEqual(workerGcArgv(['--initial-heap-size', '32']), [
      '--initial-heap-size',
      '32',
      '--expose-gc',
      NO_MEMORY_REDUCER,
    ]);
    assert.deepEqual(workerGcArgv([], '--trace-warnings --max_old_space_size=256'), [
      '--expose-gc',
      YOUNG_GENERATION,
      NO_MEMORY_REDUCER,
    ]);
    // The whole heap's size sets the young generation's too.
    assert.deepEqual(workerGcArgv([], '--max-heap-size=300'), ['--expose-gc', NO_MEMORY_REDUCER]);
  });
  it('leaves the young generation to an operator who sizes it', () => {
    assert.deepEqual(workerGcArgv(['--max-semi-space-size=32']), [
      '--max-semi-space-size=32',
      '--expose-gc',
      WORKER_OLD_SPACE,
      NO_MEMORY_REDUCER,
    ]);
    assert.deepEqual(workerGcArgv([], '--min_semi_space_size=4'), [
      '--expose-gc',
      WORKER_OLD_SPACE,
      NO_MEMORY_REDUCER,
    ]);
  });
  it("leaves V8's memory reducer to an operator who names it, either way", () => {
    assert.deepEqual(workerGcArgv(['--memory-reducer']), [
      '--memory-reducer',
      '--expose-gc',
      WORKER_OLD_SPACE,
      YOUNG_GENERATION,
    ]);
    assert.deepEqual(workerGcArgv([], '--no_memory_reducer'), [
      '--expose-gc',
      WORKER_OLD_SPACE,
      YOUNG_GENERATION,
    ]);
  });
});

describe('servingExec (single_process)', () => {
  const argv = ['/usr/bin/node', '/opt/tlsterm/bin/tlsterm', 'serve', '-c', 'a.yaml'];
  const none = (): boolean => false;
  it('re-runs the same command with the serving flags after Node’s own flags, marked as done', () => {
    const exec = servingExec('/usr/bin/node', ['--enable-source-maps'], argv, { HOME: '/root' }, none);
    assert.deepEqual(exec?.argv, [
      '/usr/bin/node',
      '--enable-source-maps',
      WORKER_OLD_SPACE,
      YOUNG_GENERATION,
      NO_MEMORY_REDUCER,
      '/opt/tlsterm/bin/tlsterm',
      'serve',
      '-c',
      'a.yaml',
    ]);
    assert.deepEqual(exec?.env, { HOME: '/root', [SERVING_EXEC]: '1' });
    assert.equal(
      servingExec('/usr/bin/node', exec?.argv.slice(1, 5) ?? [], argv, exec?.env ?? {}, none),
      undefined,
    );
  });
  it('nothing to add when the operator sized the heap, chose about the memory reducer and wants no other allocator', () => {
    assert.equal(
      servingExec(
        '/usr/bin/node',
        ['--max-old-space-size=512', '--max-semi-space-size=16', '--memory-reducer'],
        argv,
        {},
        none,
      ),
      undefined,
    );
    assert.equal(
      servingExec(
        '/usr/bin/node',
        [],
        argv,
        { NODE_OPTIONS: '--max_heap_size=256 --no-memory-reducer' },
        none,
      ),
      undefined,
    );
    // A sized old generation alone still execs, for the young one and the memory reducer.
    assert.deepEqual(servingExec('/usr/bin/node', ['--max-old-space-size=512'], argv, {}, none)?.argv, [
      '/usr/bin/node',
      '--max-old-space-size=512',
      YOUNG_GENERATION,
      NO_MEMORY_REDUCER,
      ...argv.slice(1),
    ]);
  });
  it('TLSTERM_MALLOC=jemalloc: preloaded by the exec, even with the heap sized', () => {
    const jemalloc = (p: string): boolean => p === '/usr/lib64/libjemalloc.so.2';
    const exec = servingExec(
      '/usr/bin/node',
      ['--max-old-space-size=512'],
      argv,
      { TLSTERM_MALLOC: 'jemalloc' },
      jemalloc,
    );
    assert.deepEqual(exec?.argv, [
      '/usr/bin/node',
      '--max-old-space-size=512',
      YOUNG_GENERATION,
      NO_MEMORY_REDUCER,
      ...argv.slice(1),
    ]);
    assert.equal(exec?.env['LD_PRELOAD'], '/usr/lib64/libjemalloc.so.2');
    assert.equal(exec?.env[SERVING_EXEC], '1');
  });
});

describe('compileCacheEnv', () => {
  it("gives a child this process's compile cache directory", () => {
    assert.deepEqual(compileCacheEnv('/var/lib/tlsterm/compile-cache'), {
      NODE_COMPILE_CACHE: '/var/lib/tlsterm/compile-cache',
    });
  });
});

describe('workerAllocatorEnv', () => {
  const installed = (path: string): boolean => path === '/usr/lib64/libjemalloc.so.2';
  const none = (): boolean => false;

  it('changes nothing unless asked', () => {
    assert.deepEqual(workerAllocatorEnv({}, installed), { ok: true, env: {} });
    assert.deepEqual(workerAllocatorEnv({ TLSTERM_MALLOC: 'system' }, installed), { ok: true, env: {} });
  });
  it('preloads jemalloc where it is installed, with a background thread returning pages', () => {
    assert.deepEqual(workerAllocatorEnv({ TLSTERM_MALLOC: 'jemalloc' }, installed), {
      ok: true,
      env: { LD_PRELOAD: '/usr/lib64/libjemalloc.so.2', MALLOC_CONF: JEMALLOC_CONF },
    });
    assert.match(JEMALLOC_CONF, /background_thread:true/);
  });
  it("keeps the operator's own LD_PRELOAD and MALLOC_CONF", () => {
    const r = workerAllocatorEnv(
      { TLSTERM_MALLOC: 'jemalloc', LD_PRELOAD: '/opt/x.so', MALLOC_CONF: 'narenas:2' },
      installed,
    );
    assert.deepEqual(r, {
      ok: true,
      env: { LD_PRELOAD: '/usr/lib64/libjemalloc.so.2:/opt/x.so', MALLOC_CONF: 'narenas:2' },
    });
  });
  it('says why when jemalloc is missing or the value is unknown', () => {
    const missing = workerAllocatorEnv({ TLSTERM_MALLOC: 'jemalloc' }, none);
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.why, /libjemalloc\.so\.2 not found.*install libjemalloc2/);
    const typo = workerAllocatorEnv({ TLSTERM_MALLOC: 'jemaloc' }, installed);
    assert.match(typo.ok ? '' : typo.why, /give jemalloc or system/);
  });
});
