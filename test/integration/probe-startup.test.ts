// What `tlsterm probe` loads before it scans: only its own modules (issue 17, speed). The serve
// path's packages (acme-client, ioredis, @peculiar/x509, yaml, valibot, pino) cost most of a
// second of start-up and none of them is needed to probe.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

const MAIN = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

// Records every module resolved, runs `tlsterm probe` against a closed port (exit 1 after the
// prober's modules are loaded), prints the list.
const SCRIPT = `
import module from 'node:module';
const seen = new Set();
module.registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.add(r.url); return r; } });
const { main } = await import(${JSON.stringify(MAIN)});
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write = () => true;
await main(['probe', '127.0.0.1:1', '--timeout', '500']);
write(JSON.stringify([...seen]));
`;

describe('tlsterm probe start-up', () => {
  it('loads no package from node_modules and none of serve, config, certs issuing or trace', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const urls = JSON.parse(r.stdout) as string[];
    const files = urls.filter((u) => u.startsWith('file:'));
    assert.ok(
      files.some((u) => u.endsWith('/src/probe/probe.ts')),
      'the prober itself was loaded',
    );
    assert.deepEqual(
      files.filter((u) => u.includes('/node_modules/')),
      [],
    );
    assert.deepEqual(
      files.filter((u) =>
        /\/src\/(serve|trace|state|observe|config\/index|certs\/(index|issue|acme))/.test(u),
      ),
      [],
    );
  });
});
