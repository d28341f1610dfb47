// Experiment: does tlsterm's RSS come back down after a load ends? Starts `tlsterm serve` (RSS_WORKERS,
// default 2) in front of a counting Node upstream, opens RSS_CONNS (default 5000) TLS connections that
// each make one keep-alive GET and then stay open, closes them all, and reads RSS every 5 s for
// RSS_AFTER_SECONDS (default 90). The environment reaches tlsterm unchanged, so allocator settings
// are tried as `MALLOC_ARENA_MAX=2 node bench/rss-after-load.ts`. RSS_PROBE=1 adds the memory probe
// (V8 heap / external per process, and a forced GC in each worker RSS_GC_AT seconds after the close).
// Run: node bench/rss-after-load.ts [--json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { makeCerts } from './lib/certs.ts';
import { onExit } from './lib/cleanup.ts';
import { freePort } from './lib/ports.ts';
import { processTree } from './lib/proc.ts';
import { startServer } from './lib/server-process.ts';
import { repoRoot } from './lib/tlsterm-config.ts';
import { getOnce, openTls, pool, SERVERNAME, sleep, sourceAddress } from './soak/clients.ts';
import { listenerKeys, writeSoakConfig } from './soak/config.ts';
import { establishedOnPort } from './soak/connections.ts';
import { lastReadings } from './soak/probe-readings.ts';
import { sampleRss } from './soak/processes.ts';
import { readRssByKind, topMappings } from './soak/smaps.ts';
import { startCountingUpstream } from './soak/upstream.ts';

const env = process.env;
const count = Number(env.RSS_CONNS ?? 5000);
const workers = Number(env.RSS_WORKERS ?? 2);
const afterSeconds = Number(env.RSS_AFTER_SECONDS ?? 90);
const gcAt = env.RSS_GC_AT === undefined ? undefined : Number(env.RSS_GC_AT);
// Experiment only: glibc's malloc_trim(0) called in each worker through gdb, to tell memory malloc
// holds as free from memory still in use.
const trimAt = env.RSS_TRIM_AT === undefined ? undefined : Number(env.RSS_TRIM_AT);
const json = process.argv.includes('--json');
const MiB = 1024 * 1024;

interface Row {
  readonly t: number;
  readonly phase: string;
  readonly conns: number;
  readonly primaryMiB: number;
  readonly workersMiB: readonly number[];
  readonly totalMiB: number;
  readonly heapMiB?: readonly number[];
  readonly heapTotalMiB?: readonly number[];
  readonly externalMiB?: readonly number[];
  /** Per worker: RSS in the brk heap / anonymous mappings / files (smaps). */
  readonly smaps?: readonly string[];
}

const dir = mkdtempSync(join(tmpdir(), 'tlsterm-rss-'));
onExit(() => rmSync(dir, { recursive: true, force: true }));
const probeDir = join(dir, 'probe');
if (env.RSS_PROBE === '1') {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(probeDir);
  process.env.MEMORY_PROBE_DIR = probeDir;
  process.env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --expose-gc --import ${join(repoRoot, 'bench', 'soak', 'memory-probe.ts')}`;
}
const certs = makeCerts(join(dir, 'certs'), SERVERNAME);
const upstream = await startCountingUpstream();
const port = await freePort();
const keys = await listenerKeys(repoRoot);
const conf = writeSoakConfig({ dir, port, upstreamPort: upstream.port, certs, workers, keys }, 'unbounded');
const started = await startServer({
  name: 'tlsterm',
  command: process.execPath,
  args: [join(repoRoot, 'bin', 'tlsterm'), 'serve', '-c', conf],
  cwd: repoRoot,
  stdoutPath: '/dev/null',
  port,
});
if (!started.ok) throw new Error(started.error);
const server = started.server;
const t0 = performance.now();
const rows: Row[] = [];
const sample = (phase: string): void => {
  const rss = sampleRss(server.pid);
  const workerPids = processTree(server.pid)
    .filter((p) => p !== server.pid)
    .sort((a, b) => a - b);
  const smaps = workerPids.map((p) => {
    const k = readRssByKind(p);
    return k === undefined
      ? '?'
      : `brk ${k.brkHeapMiB} anon ${k.anonMiB} file ${k.fileMiB} lazyfree ${k.lazyFreeMiB}`;
  });
  const row: Row = {
    t: Math.round((performance.now() - t0) / 1000),
    phase,
    conns: establishedOnPort(port),
    ...rss,
    smaps,
  };
  if (env.RSS_PROBE === '1') {
    const readings = lastReadings(probeDir);
    const r = workerPids.map((p) => readings.get(p));
    rows.push({
      ...row,
      heapMiB: r.map((x) => Math.round(((x?.heapUsed ?? 0) / MiB) * 10) / 10),
      heapTotalMiB: r.map((x) => Math.round(((x?.heapTotal ?? 0) / MiB) * 10) / 10),
      externalMiB: r.map((x) => Math.round(((x?.external ?? 0) / MiB) * 10) / 10),
    });
  } else rows.push(row);
  if (!json) process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
};

// Warm-up: JIT and lazy start-up allocations are not what this is about.
await pool(200, 10, performance.now() + 20_000, async (i) => {
  const s = await openTls(server, { localAddress: sourceAddress(9, i) });
  if (!(s instanceof Error)) {
    await getOnce(s, '/1k', 5000);
    s.destroy();
  }
});
await sleep(5000);
sample('before');
const held: TLSSocket[] = [];
let failed = 0;
await pool(count, 100, performance.now() + 120_000, async (i) => {
  const s = await openTls(server, { localAddress: sourceAddress(10 + (i % 50), i) });
  if (s instanceof Error) failed += 1;
  else {
    held.push(s);
    if ((await getOnce(s, '/1k', 10_000)) !== 'ok') failed += 1;
  }
});
await sleep(2000);
sample('held');
const closed = held.map((s) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r()))));
for (const s of held) s.destroy();
await Promise.all(closed);
held.length = 0;
const closedAt = performance.now();
for (let k = 1; k * 5 <= afterSeconds; k++) {
  await sleep(Math.max(0, closedAt + k * 5000 - performance.now()));
  if (gcAt !== undefined && k * 5 === gcAt)
    for (const pid of processTree(server.pid).filter((p) => p !== server.pid)) process.kill(pid, 'SIGUSR2');
  if (trimAt !== undefined && k * 5 === trimAt)
    for (const pid of processTree(server.pid).filter((p) => p !== server.pid))
      spawnSync('gdb', ['-p', String(pid), '-batch', '-ex', 'call (int)malloc_trim(0)'], { stdio: 'ignore' });
  sample(`after ${k * 5}s`);
}
if (env.RSS_TOP_MAPPINGS === '1')
  for (const pid of processTree(server.pid).filter((p) => p !== server.pid))
    process.stderr.write(
      `worker ${pid}, largest mappings (RSS KiB, size KiB, name):\n  ${topMappings(pid, 12).join('\n  ')}\n`,
    );
await server.stop();
await upstream.close();
const before = rows[0]?.totalMiB ?? 0;
const peak = Math.max(...rows.map((r) => r.totalMiB));
const end = rows.at(-1)?.totalMiB ?? 0;
const summary = {
  connections: count - failed,
  failed,
  workers,
  before,
  peak,
  end,
  end_vs_before: end / before,
};
if (json) process.stdout.write(`${JSON.stringify({ summary, rows }, null, 2)}\n`);
else process.stdout.write(`${JSON.stringify(summary)}\n`);
