// `npm run bench:reuse-port-reload`: what a reload costs with `reuse_port` (docs/configuration.md,
// "reuse_port"). tlsterm with two workers runs in a network namespace of its own (so the sysctl can
// be set without touching the host), while 32 loops open new HTTPS connections and five SIGHUP
// reloads come 2 s apart. Three variants: reuse_port with net.ipv4.tcp_migrate_req 0 and 1, and the
// shared socket. Connections reset by a closing worker socket are the figure. Needs root (unshare,
// the sysctl). Bounded: about 17 s per variant and round.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCerts } from './lib/certs.ts';
import { onExit } from './lib/cleanup.ts';
import { repoRoot, tlstermConfig, tlstermFeatures } from './lib/tlsterm-config.ts';

const PORT = 29443;
const LOOPS = 32;
const RELOADS = 5;
const RELOAD_EVERY_MS = 2000;
const HOST = 'bench.test';

interface Outcome {
  readonly reusePort: boolean;
  readonly migrate: string;
  readonly ok: number;
  readonly failed: Record<string, number>;
  readonly reloads: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One variant, inside its own network namespace: prints its Outcome as JSON. */
async function inner(reusePort: boolean, migrate: string): Promise<void> {
  spawnSync('ip', ['link', 'set', 'lo', 'up'], { stdio: 'inherit' });
  writeFileSync('/proc/sys/net/ipv4/tcp_migrate_req', migrate);
  const dir = mkdtempSync(join(tmpdir(), 'tlsterm-rp-'));
  onExit(() => rmSync(dir, { recursive: true, force: true }));
  const certs = makeCerts(join(dir, 'certs'), HOST);
  const backend = http.createServer((_, res) => res.end('ok\n'));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const backendPort = (backend.address() as net.AddressInfo).port;
  // The bench's own tlsterm config (the scale rows' tlsterm-w2 / tlsterm-w2rp), two workers.
  const features = await tlstermFeatures(repoRoot);
  const launch = tlstermConfig(dir, PORT, backendPort, certs, { features, workers: 2, reusePort });
  const serve = spawn(launch.command, [...launch.args], {
    cwd: launch.cwd,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  onExit(() => serve.kill('SIGKILL'));
  let out = '';
  serve.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  for (let i = 0; i < 200 && !out.includes('"event":"started"'); i++) await sleep(50);

  const ca = readFileSync(certs.ca);
  const agent = new https.Agent({ keepAlive: false });
  const failed: Record<string, number> = {};
  let ok = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const fail = (e: NodeJS.ErrnoException) => {
        const key = e.code ?? e.message;
        failed[key] = (failed[key] ?? 0) + 1;
        resolve();
      };
      const req = https.get(
        { host: '127.0.0.1', port: PORT, servername: HOST, ca, agent, path: '/' },
        (res) => {
          res.resume();
          res.on('end', () => {
            ok++;
            resolve();
          });
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    });
  const end = Date.now() + (RELOADS + 1.5) * RELOAD_EVERY_MS;
  const load = Promise.all(
    Array.from({ length: LOOPS }, async () => {
      while (Date.now() < end) await once();
    }),
  );
  for (let i = 0; i < RELOADS; i++) {
    await sleep(RELOAD_EVERY_MS);
    serve.kill('SIGHUP');
  }
  await load;
  const reloads = out.split('"event":"reloaded"').length - 1;
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('exit', r));
  backend.close();
  const outcome: Outcome = { reusePort, migrate, ok, failed, reloads };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

async function main(): Promise<number> {
  const [mode, reuse, migrate] = process.argv.slice(2);
  if (mode === 'inner') {
    await inner(reuse === 'true', migrate ?? '0');
    return 0;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      'reuse-port-reload: needs root (a network namespace of its own, and a sysctl in it)\n',
    );
    return 2;
  }
  const rounds = Number(process.env.ROUNDS ?? 3);
  const variants: [boolean, string][] = [
    [true, '0'],
    [true, '1'],
    [false, '0'],
  ];
  const self = fileURLToPath(import.meta.url);
  const rows: Outcome[] = [];
  for (let r = 0; r < rounds; r++)
    for (const [reusePort, value] of variants) {
      const run = spawnSync('unshare', ['-n', process.execPath, self, 'inner', String(reusePort), value], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const line = run.stdout.trim().split('\n').at(-1) ?? '';
      if (run.status !== 0 || !line.startsWith('{')) {
        process.stderr.write(`reuse-port-reload: a variant failed (${run.status}): ${run.stderr}\n`);
        return 1;
      }
      rows.push(JSON.parse(line) as Outcome);
    }
  process.stdout.write('socket        tcp_migrate_req  requests  failed          reloads\n');
  for (const o of rows) {
    const failed = Object.entries(o.failed)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    process.stdout.write(
      `${(o.reusePort ? 'reuse_port' : 'shared').padEnd(14)}${o.migrate.padEnd(17)}${String(o.ok).padEnd(10)}${(failed || '0').padEnd(16)}${o.reloads}\n`,
    );
  }
  return 0;
}

process.exitCode = await main();
