// DESIGN.md: acme-client (with axios and node-forge) stays out of the serving processes. Importing the
// certificate modules — responders, stores, placeholder, even the manager — must not load it; only
// the manager's first order does.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../../..');

async function loadedPackages(body: string): Promise<string[]> {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({
      resolve(specifier, context, next) {
        const r = next(specifier, context);
        const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
        if (m) seen.add(m[1]);
        return r;
      },
    });
    ${body}
    process.stdout.write(JSON.stringify([...seen].sort()));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  return JSON.parse(stdout) as string[];
}

test('importing src/certs, its acme/ and reload/ modules loads no acme-client, axios or node-forge', async () => {
  const pkgs = await loadedPackages(`
    await import('./src/certs/index.ts');
    await import('./src/certs/acme/index.ts');
    await import('./src/certs/reload/index.ts');
    await import('./src/certs/expiry.ts');
  `);
  for (const p of ['acme-client', 'axios', 'node-forge'])
    assert.ok(!pkgs.includes(p), `${p} loaded: ${pkgs.join(', ')}`);
  assert.ok(pkgs.includes('@peculiar/x509'), 'the detector sees packages');
});

test('a serving process (startServer with its ACME responders, the ACME service module) loads no acme-client', async () => {
  const pkgs = await loadedPackages(`
    await import('./src/serve/server.ts');
    await import('./src/serve/acme/responders.ts');
    await import('./src/serve/acme/service.ts');
    await import('./src/cli/serve.ts');
  `);
  for (const p of ['acme-client', 'axios', 'node-forge', 'ioredis'])
    assert.ok(!pkgs.includes(p), `${p} loaded: ${pkgs.join(', ')}`);
});

test('the manager loads acme-client when it first needs it', async () => {
  const pkgs = await loadedPackages(`
    const { loadAcmeClient } = await import('./src/certs/acme/acme-client-context.ts');
    await loadAcmeClient();
  `);
  assert.ok(pkgs.includes('acme-client'), pkgs.join(', '));
});
