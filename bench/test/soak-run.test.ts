// The soak end to end in its short mode (SOAK_SECONDS=12, scaled-down adversaries), so the script
// cannot rot: it starts tlsterm, runs every phase, and prints the JSON summary.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { repoRoot } from '../lib/tlsterm-config.ts';
import type { Sample, Summary } from '../soak/report.ts';

// `tlsterm reload` waits for the new generation now, and the phase switch awaits one: on a loaded
// machine that adds tens of seconds, hence the bounds above npm test's 120 s default.
it('npm run soak -- --json, 12 s mode: every phase runs and tlsterm serves throughout', {
  timeout: 240_000,
}, async () => {
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bench', 'soak.ts'), '--json'],
      {
        env: { ...process.env, SOAK_SECONDS: '12', SOAK_WORKERS: '1', SOAK_ORDINARY: '2' },
        timeout: 200_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
  assert.equal(out.code, 0, out.stderr);
  const { summary, samples } = JSON.parse(out.stdout) as { summary: Summary; samples: Sample[] };
  assert.deepEqual(
    summary.phases.map((p) => p.phase),
    ['baseline', 'holds', 'floods', 'junk', 'mixed', 'defaults', 'cooldown'],
  );
  assert.ok(samples.length >= 7, `a sample per phase end at least: ${samples.length}`);
  assert.ok(summary.ordinary_ok > 0, 'ordinary clients were served');
  assert.ok(summary.max_client_conns > 0 && summary.rss_before_mib > 0 && summary.rss_peak_mib > 0);
  assert.ok(summary.reloads_ok >= 1, 'the switch to default bounds reloaded');
  assert.equal(summary.reloads_failed, 0);
  assert.equal(summary.events.worker_exited, 0, 'no worker crashed');
  assert.ok(
    samples.every((s) => s.rss_workers_mib.length >= 1),
    'a worker was running at every sample',
  );
});
