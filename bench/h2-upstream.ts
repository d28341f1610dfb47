// HTTP/2 to the app vs HTTP/1.1 to the app: tlsterm's CPU per request with the same client load
// (wrk, HTTP/1.1 keep-alive over TLS, 1 KiB responses) and the same nginx serving both an HTTP/1.1
// port and an h2c port. The two tlsterm processes run side by side and are measured in alternating
// rounds (paired in one run), so a loaded machine shifts both alike.
//
//   node bench/h2-upstream.ts            BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=16
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBackendFiles } from './lib/backend.ts';
import { makeCerts } from './lib/certs.ts';
import { freePort } from './lib/ports.ts';
import { cpuSeconds } from './lib/proc.ts';
import { killAll, type RunningServer, startServer } from './lib/server-process.ts';
import { repoRoot } from './lib/tlsterm-config.ts';
import { runWrk } from './lib/wrk.ts';

const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 16);

const dir = mkdtempSync(join(tmpdir(), 'tlsterm-bench-h2app-'));
process.on('exit', () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

const certs = makeCerts(join(dir, 'certs'), 'bench.test');
const root = writeBackendFiles(dir, 1);
const h1Port = await freePort();
const h2Port = await freePort();
const nginxPrefix = join(dir, 'nginx');
mkdirSync(nginxPrefix, { recursive: true });
writeFileSync(
  join(nginxPrefix, 'nginx.conf'),
  `${process.getuid?.() === 0 ? 'user root root;' : ''}
worker_processes 1;
pid ${nginxPrefix}/nginx.pid;
error_log ${nginxPrefix}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${nginxPrefix}/body; proxy_temp_path ${nginxPrefix}/proxy;
  fastcgi_temp_path ${nginxPrefix}/fastcgi; uwsgi_temp_path ${nginxPrefix}/uwsgi; scgi_temp_path ${nginxPrefix}/scgi;
  default_type application/octet-stream;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  http2_max_requests 10000000;
  server { listen 127.0.0.1:${h1Port}; root ${root}; }
  server { listen 127.0.0.1:${h2Port} http2; root ${root}; }
}
`,
);

async function start(
  name: string,
  port: number,
  spec: Parameters<typeof startServer>[0],
): Promise<RunningServer> {
  const r = await startServer({ ...spec, name, port });
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.server;
}

await start('nginx', h1Port, {
  name: 'nginx',
  command: 'nginx',
  args: [
    '-p',
    nginxPrefix,
    '-e',
    join(nginxPrefix, 'error.log'),
    '-c',
    join(nginxPrefix, 'nginx.conf'),
    '-g',
    'daemon off;',
  ],
  port: h1Port,
});

async function tlsterm(name: string, upstream: string): Promise<RunningServer> {
  const port = await freePort();
  const prefix = join(dir, name);
  mkdirSync(join(prefix, 'state'), { recursive: true });
  const conf = join(prefix, 'tlsterm.yaml');
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
            default: true,
            certificates: [{ cert: certs.fullchain, key: certs.key }],
            upstream,
          },
        ],
      },
    ],
  };
  writeFileSync(conf, `${JSON.stringify(config, null, 2)}\n`);
  return start(name, port, {
    name,
    command: process.execPath,
    args: [join(repoRoot, 'bin', 'tlsterm'), 'serve', '-c', conf],
    cwd: repoRoot,
    stdoutPath: '/dev/null',
    port,
  });
}

const contenders = [
  { label: 'h1 to the app (http://)', server: await tlsterm('h1-app', `http://127.0.0.1:${h1Port}`) },
  { label: 'h2 to the app (h2c://)', server: await tlsterm('h2-app', `h2c://127.0.0.1:${h2Port}`) },
];
const perRequest: number[][] = contenders.map(() => []);
const rps: number[][] = contenders.map(() => []);

for (let round = 0; round < rounds + 1; round++) {
  for (const [i, c] of contenders.entries()) {
    const pids = c.server.pids();
    const before = cpuSeconds(pids);
    const r = await runWrk({ url: `https://127.0.0.1:${c.server.port}/1k`, seconds, connections });
    const cpu = cpuSeconds(pids) - before;
    if (!r.ok) throw new Error(`${c.label}: ${r.error}`);
    if (r.value.non2xx > 0 || r.value.socketErrors > 0)
      console.error(`${c.label}: ${r.value.non2xx} non-2xx, ${r.value.socketErrors} socket errors`);
    if (round === 0) continue; // warm-up
    perRequest[i]!.push((cpu / r.value.requests) * 1e6);
    rps[i]!.push(r.value.requestsPerSecond);
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
console.log(
  `tlsterm CPU per request, ${rounds} paired rounds of ${seconds} s, ${connections} keep-alive connections, 1 KiB:`,
);
for (const [i, c] of contenders.entries())
  console.log(
    `  ${c.label.padEnd(26)} ${median(perRequest[i]!).toFixed(1).padStart(7)} µs/req   ${median(rps[i]!).toFixed(0).padStart(7)} req/s   (rounds: ${perRequest[i]!.map((x) => x.toFixed(1)).join(', ')})`,
  );
const ratio = median(perRequest[1]!) / median(perRequest[0]!);
console.log(`  h2/h1: ${(ratio * 100).toFixed(0)}% of the HTTP/1.1 path's CPU per request`);
process.exit(0);
