import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const stateIndex = fileURLToPath(new URL('../../../src/state/index.ts', import.meta.url));

// In a fresh process: is ioredis in the CommonJS module cache after `script`?
function ioredisLoadedAfter(script: string): Promise<string> {
  const program = `
    import { createRequire } from 'node:module';
    const state = await import(${JSON.stringify(stateIndex)});
    ${script}
    const cache = createRequire(import.meta.url).cache;
    process.stdout.write(String(Object.keys(cache).some((k) => k.includes('/ioredis/'))));
    process.exit(0);
  `;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', program], { timeout: 30_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    ),
  );
}

test('importing the state module and using memory state does not load ioredis', async () => {
  const loaded = await ioredisLoadedAfter(`
    const s = await state.openResumptionState({ resumption: state.RESUMPTION_DEFAULTS, state: { backend: 'memory' }, log: () => {} });
    await s.close();
  `);
  assert.equal(loaded, 'false');
});

test('opening a Redis connection loads it', async () => {
  const loaded = await ioredisLoadedAfter(`
    const c = await state.openRedisConnection({ url: 'redis://127.0.0.1:1', log: () => {}, startWaitMs: 10 });
    await c.close();
  `);
  assert.equal(loaded, 'true');
});
