// Alternating standalone rounds of one load against a few servers started side by side: the way to
// see a change of a few percent on a VM whose speed moves ±20% between minutes, which the whole
// bench (3 rounds of each contender, minutes apart) cannot. Every server gets the same warm-up
// first; a resumed load's session is primed once per server, outside every measured round (a full
// handshake among resumed ones makes V8 recompile tlsterm's hot functions: docs/benchmarks.md,
// "Steady state"); then the rounds go A B C, C B A, … and each reports the server's CPU per unit.
//
//   node bench/pairs.ts LOAD SERVER[,SERVER…]
//     LOAD    keepalive (wrk, 16 connections, GET /1k) | full | tls12-session-id | tls12-ticket |
//             tls13-ticket (the bench's handshake client, 8 at once, one GET /1k per connection)
//     SERVER  a termination contender of the bench (tlsterm, tlsterm-1p, nginx, node-proxy, …);
//             a tlsterm one may add @TREE (another checkout's bin/tlsterm, e.g. the commit before a
//             change) and :LEVEL (its log.level: warning writes no handshake or access line)
//   PAIRS_ROUNDS (8), PAIRS_SECONDS (5), PAIRS_WARM_SECONDS (10)
//
// Example: node bench/pairs.ts tls13-ticket tlsterm-1p,tlsterm-1p@/tmp/before,tlsterm-1p:warning,node-proxy
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { type ContenderChoice, terminationContenders } from './lib/contenders.ts';
import { type PrimedSession, primeSession, type ResumeMode, runHandshakeLoad } from './lib/handshake-load.ts';
import {
  cpuSeconds,
  freePort,
  integerSetting,
  killAll,
  makeCerts,
  median,
  onExit,
  type RunningServer,
  repoRoot,
  runWrk,
  type ServerSpec,
  startBackend,
  startServer,
  tlstermFeatures,
  writeBackendFiles,
} from './lib/index.ts';
import { tlstermConfig } from './lib/tlsterm-config.ts';

const LOADS = ['keepalive', 'full', 'tls12-session-id', 'tls12-ticket', 'tls13-ticket'] as const;
const LEVELS = ['debug', 'info', 'warning', 'error'] as const;
type Level = (typeof LEVELS)[number];
const TLSTERMS = ['tlsterm', 'tlsterm-1p'] as const;
// Lighter than the bench's (wrk 32, handshakes 16 at once): room on a 2-core machine for the server
// under test next to the client, and the figures in docs/benchmarks.md "Steady state" were taken so.
const WRK_CONNECTIONS = 16;
const HANDSHAKE_CONCURRENCY = 8;

const usage = `usage: node bench/pairs.ts LOAD SERVER[,SERVER...]
  LOAD    ${LOADS.join(' | ')}
  SERVER  a termination contender of the bench (tlsterm, tlsterm-1p, nginx, haproxy, node-proxy, ...);
          tlsterm and tlsterm-1p may add @TREE (another checkout) and :LEVEL (log.level)
  PAIRS_ROUNDS (8), PAIRS_SECONDS (5), PAIRS_WARM_SECONDS (10)
`;

/** "tlsterm-1p@/tmp/before:warning" → its parts; an error for what the bench cannot start. */
export function parseServer(
  text: string,
): { ok: true; name: string; tree?: string; level?: Level } | { ok: false; error: string } {
  const m = /^([a-z0-9-]+)(?:@([^:]+))?(?::([a-z]+))?$/.exec(text);
  if (m === null) return { ok: false, error: `cannot read "${text}" (NAME[@TREE][:LEVEL])` };
  const [, name = '', tree, level] = m;
  const tlsterm = (TLSTERMS as readonly string[]).includes(name);
  if ((tree !== undefined || level !== undefined) && !tlsterm)
    return { ok: false, error: `${name}: @TREE and :LEVEL are for ${TLSTERMS.join(' and ')}` };
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level))
    return { ok: false, error: `${text}: the level is one of ${LEVELS.join(', ')}` };
  return {
    ok: true,
    name,
    ...(tree === undefined ? {} : { tree }),
    ...(level === undefined ? {} : { level: level as Level }),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const [load, list] = argv;
  if (load === undefined || list === undefined || !(LOADS as readonly string[]).includes(load)) {
    process.stderr.write(usage);
    return 2;
  }
  const labels = list.split(',');
  const parsed = labels.map(parseServer);
  const bad = parsed.find((p) => !p.ok);
  if (bad !== undefined && !bad.ok) {
    process.stderr.write(`pairs: ${bad.error}\n${usage}`);
    return 2;
  }
  let rounds: number;
  let seconds: number;
  let warmSeconds: number;
  try {
    rounds = integerSetting(process.env, 'PAIRS_ROUNDS', 8);
    seconds = integerSetting(process.env, 'PAIRS_SECONDS', 5);
    warmSeconds = integerSetting(process.env, 'PAIRS_WARM_SECONDS', 10);
  } catch (error) {
    process.stderr.write(`pairs: ${(error as Error).message}\n`);
    return 2;
  }

  const dir = mkdtempSync(join(tmpdir(), 'tlsterm-pairs-'));
  // In this order at exit: the servers first, then the directory they run in.
  onExit(killAll);
  onExit(() => rmSync(dir, { recursive: true, force: true }));
  const hostname = 'bench.test';
  const certs = makeCerts(join(dir, 'certs'), hostname);
  const root = writeBackendFiles(dir, 1);
  const backend = await startBackend(dir, root);
  const choice: ContenderChoice = { repo: repoRoot, features: await tlstermFeatures(repoRoot) };
  const contenders = terminationContenders(choice);

  const servers: { label: string; server: RunningServer; primed?: PrimedSession }[] = [];
  for (const [i, p] of parsed.entries()) {
    if (!p.ok) continue;
    const port = await freePort();
    let spec: ServerSpec;
    if ((TLSTERMS as readonly string[]).includes(p.name)) {
      const repo = p.tree ?? repoRoot;
      const singleProcess = p.name === 'tlsterm-1p';
      const tree = {
        repo,
        features: await tlstermFeatures(repo),
        singleProcess,
        ...(p.level ? { logLevel: p.level } : {}),
      };
      const launch = tlstermConfig(join(dir, `server-${i}`), port, backend.port, certs, tree);
      spec = {
        name: labels[i] ?? p.name,
        ...launch,
        port,
        stdoutPath: '/dev/null',
        primeStart: true,
      };
    } else {
      const contender = contenders.find((c) => c.name === p.name);
      if (contender === undefined) {
        process.stderr.write(`pairs: no contender ${p.name} (${contenders.map((c) => c.name).join(', ')})\n`);
        return 2;
      }
      spec = contender.spec({ dir: join(dir, `server-${i}`), port, backendPort: backend.port, certs, root });
    }
    const started = await startServer(spec);
    if (!started.ok) {
      process.stderr.write(`pairs: ${started.error}\n`);
      return 1;
    }
    servers.push({ label: labels[i] ?? p.name, server: started.server });
  }

  // One unit: a request (keepalive) or a connection with its request.
  const run = async (s: (typeof servers)[number], ms: number): Promise<number> => {
    if (load === 'keepalive') {
      const r = await runWrk({
        url: `https://127.0.0.1:${s.server.port}/1k`,
        seconds: Math.max(1, Math.round(ms / 1000)),
        connections: WRK_CONNECTIONS,
        headers: [`Host: ${hostname}`],
      });
      if (!r.ok) throw new Error(`${s.label}: ${r.error}`);
      return r.value.requests;
    }
    const base = {
      port: s.server.port,
      servername: hostname,
      path: '/1k',
      concurrency: HANDSHAKE_CONCURRENCY,
      maxConnections: 1e9,
      durationMs: ms,
    };
    if (load !== 'full' && s.primed === undefined) {
      const primed = await primeSession({ ...base, concurrency: 1, maxConnections: 1 }, load as ResumeMode);
      if (!primed.ok) throw new Error(`${s.label}: priming: ${primed.error}`);
      s.primed = primed.value;
    }
    const r = await runHandshakeLoad({ ...base, ...(s.primed === undefined ? {} : { resume: s.primed }) });
    if (load !== 'full' && r.resumed !== r.completed)
      throw new Error(
        `${s.label}: ${r.completed - r.resumed} of ${r.completed} connections were not resumed`,
      );
    if (r.failed > 0)
      process.stderr.write(`pairs: ${s.label}: ${r.failed} connections failed (${r.firstError})\n`);
    return r.completed;
  };

  for (const s of servers) await run(s, warmSeconds * 1000);
  const perUnit = new Map<string, number[]>(servers.map((s) => [s.label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
      const pids = s.server.pids();
      const before = cpuSeconds(pids);
      const units = await run(s, seconds * 1000);
      const spent = cpuSeconds(pids) - before;
      perUnit.get(s.label)?.push(units > 0 ? (spent * 1e6) / units : Number.NaN);
    }
  }
  const unit = load === 'keepalive' ? 'µs/request' : 'µs/connection';
  for (const [label, values] of perUnit) {
    const rounded = values.map((v) => Math.round(v));
    process.stdout.write(
      `${load}  ${label}: median ${Math.round(median(values) ?? Number.NaN)} ${unit}  (rounds ${rounded.join(' ')})\n`,
    );
  }
  for (const s of servers) await s.server.stop();
  await backend.stop();
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
