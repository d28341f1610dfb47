// The cost of a site's filters on the keep-alive path (issue 16): two tlsterm instances (one worker
// each) in front of the bench's nginx backend, the same config but for the site's filters — off, or
// 10 rules (none deciding, as for most requests), header edits both ways, HSTS and a rate limit
// high enough never to refuse. Rounds interleaved (off, on, off, on…) so the machine's load drifts
// alike for both; server CPU per request (user + system of the whole process tree) and req/s, medians.
//
//   node bench/l7-filters.ts        BENCH_SECONDS=5 BENCH_ROUNDS=5 node bench/l7-filters.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend, writeBackendFiles } from './lib/backend.ts';
import { makeCerts } from './lib/certs.ts';
import { freePort } from './lib/ports.ts';
import { cpuSeconds } from './lib/proc.ts';
import { killAll, startServer } from './lib/server-process.ts';
import { repoRoot } from './lib/tlsterm-config.ts';
import { runWrk } from './lib/wrk.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CONNECTIONS = 8;

const filters = {
  rules: [
    { match: { client: ['203.0.113.0/24', '2001:db8::/32'] }, action: 'deny' },
    { match: { path_prefix: '/admin' }, action: 'deny' },
    { match: { header: { 'user-agent': '~(?i)sqlmap|nikto' } }, action: 'deny', status: 403 },
    { match: { method: ['DELETE', 'PUT'] }, action: 'deny', status: 405 },
    { match: { path_regex: '^/wp-(admin|login)' }, action: 'deny', status: 404 },
    { match: { header: { 'x-debug': '1' } }, action: 'deny' },
    { match: { sni: 'beta.example.test' }, action: 'tag', tag: 'beta' },
    { match: { path: '/healthz' }, action: 'allow' },
    { match: { query: { debug: '1' } }, action: 'deny' },
    { match: { client: ['198.51.100.0/24'] }, action: 'deny' },
  ],
  headers: {
    request: { set: { 'x-env': 'prod' }, remove: ['x-debug'] },
    response: { set: { 'x-frame-options': 'DENY' }, remove: ['server', 'x-powered-by'] },
  },
  hsts: { max_age: '1y', include_subdomains: true },
  rate_limit: { key: 'client_ip', rate: '1000000/s', burst: 1000000 },
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsterm-l7-bench-'));
  try {
    const certs = makeCerts(join(dir, 'certs'), 'bench.test');
    const root = writeBackendFiles(dir, 1);
    const backend = await startBackend(dir, root);
    const start = async (name: 'off' | 'on') => {
      const port = await freePort();
      const prefix = join(dir, name);
      mkdirSync(join(prefix, 'state'), { recursive: true });
      const config = {
        state_dir: join(prefix, 'state'),
        workers: 1,
        extra_ca: [certs.ca],
        listeners: [
          {
            address: `127.0.0.1:${port}`,
            limits: { max_connections_per_client: 0 },
            sites: [
              {
                hosts: [certs.hostname],
                certificates: [{ cert: certs.fullchain, key: certs.key }],
                upstream: `http://127.0.0.1:${backend.port}`,
                ...(name === 'on' ? filters : {}),
              },
            ],
          },
        ],
      };
      const file = join(prefix, 'tlsterm.yaml');
      writeFileSync(file, JSON.stringify(config, null, 2));
      const started = await startServer({
        name: `tlsterm-${name}`,
        command: process.execPath,
        args: [join(repoRoot, 'bin', 'tlsterm'), 'serve', '-c', file],
        cwd: repoRoot,
        stdoutPath: '/dev/null',
        port,
      });
      if (!started.ok) throw new Error(started.error);
      return started.server;
    };
    const servers = { off: await start('off'), on: await start('on') };
    const results: Record<'off' | 'on', { rps: number[]; cpuUs: number[] }> = {
      off: { rps: [], cpuUs: [] },
      on: { rps: [], cpuUs: [] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['off', 'on'] as const) {
        const s = servers[name];
        const pids = s.pids();
        const before = cpuSeconds(pids);
        const r = await runWrk({
          url: `https://127.0.0.1:${s.port}/1k`,
          seconds: SECONDS,
          connections: CONNECTIONS,
          headers: [`Host: ${certs.hostname}`],
        });
        const cpu = cpuSeconds(pids) - before;
        if (!r.ok) throw new Error(`${name}: ${r.error}`);
        if (r.value.non2xx > 0) throw new Error(`${name}: ${r.value.non2xx} responses were not 2xx`);
        results[name].rps.push(r.value.requestsPerSecond);
        results[name].cpuUs.push((cpu / r.value.requests) * 1e6);
        process.stderr.write(
          `round ${round + 1} ${name}: ${r.value.requestsPerSecond.toFixed(0)} req/s, ${((cpu / r.value.requests) * 1e6).toFixed(1)} µs CPU/req\n`,
        );
      }
    }
    const off = { rps: median(results.off.rps), cpu: median(results.off.cpuUs) };
    const on = { rps: median(results.on.rps), cpu: median(results.on.cpuUs) };
    // Paired: each round's on/off ratio, then their median (the load drifts between rounds).
    const ratios = results.on.cpuUs.map((c, i) => c / (results.off.cpuUs[i] ?? Number.NaN));
    console.log(
      JSON.stringify(
        {
          seconds: SECONDS,
          rounds: ROUNDS,
          connections: CONNECTIONS,
          off: { req_per_s: Math.round(off.rps), cpu_us_per_req: Number(off.cpu.toFixed(1)) },
          on: { req_per_s: Math.round(on.rps), cpu_us_per_req: Number(on.cpu.toFixed(1)) },
          cpu_ratio_paired_median: Number(median(ratios).toFixed(3)),
          cpu_ratios: ratios.map((r) => Number(r.toFixed(3))),
        },
        null,
        2,
      ),
    );
    await servers.off.stop();
    await servers.on.stop();
    await backend.stop();
  } finally {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();
