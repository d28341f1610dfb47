// Bench settings from the environment. Defaults keep the whole run under four minutes: about 2.5 for
// TLS termination with three contenders, about 1 for passthrough with two. BENCH_SCENARIOS is read
// by selection.ts.
import type { Settings } from './target.ts';

/** An integer setting at least `min` (1 unless 0 is meaningful, e.g. "no pre-run"). */
export function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be ${min === 0 ? '0 or ' : ''}a positive integer, got ${raw}`);
  return value;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  return {
    seconds: integerSetting(env, 'BENCH_SECONDS', 3),
    preRunSeconds: integerSetting(env, 'BENCH_PRE_RUN_SECONDS', 2, 0),
    rounds: integerSetting(env, 'BENCH_ROUNDS', 3),
    idleConnections: integerSetting(env, 'BENCH_IDLE_CONNS', 2000),
    bulkMiB: integerSetting(env, 'BENCH_BULK_MIB', 128),
    wrkConnections: 32,
    handshakeConcurrency: 16,
    // 4 × 8 = 32 requests in flight, as wrk's 32 connections: within every server's stream limit
    // (HAProxy 100, nginx and tlsterm 128) and nginx's 64 cached upstream connections.
    h2Connections: integerSetting(env, 'BENCH_H2_CONNS', 4),
    h2Streams: integerSetting(env, 'BENCH_H2_STREAMS', 8),
    afterLoadConnections: integerSetting(env, 'BENCH_AFTER_LOAD_CONNS', 5000),
    afterLoadSeconds: integerSetting(env, 'BENCH_AFTER_LOAD_SECONDS', 60),
  };
}

export const usage = `usage: npm run bench [-- --json]

Benchmarks tlsterm against nginx and HAProxy (whichever are installed) and Node's floor (a bare
tls.createServer) on loopback: TLS termination (ratios to nginx), the HTTP/2 front (ratios to nginx),
then TLS passthrough (ratios to HAProxy).
  --json              print the result as JSON instead of tables
Environment:
  BENCH_SCENARIOS=all  comma-separated sections (termination, h2, passthrough), scenario ids (idle,
                       keepalive, full-handshake, resumed-tls12-id, resumed-tls12-ticket,
                       resumed-tls13-ticket, bulk, scale-handshake, scale-keepalive, after-load,
                       h2-idle, h2-load, passthrough-handshake, passthrough-bulk) and/or groups
                       (resumed: the three resumed-* scenarios; scale: the two scale-* scenarios);
                       scale-* and after-load run only when named
  BENCH_CONTENDERS=tlsterm,tlsterm-base,tlsterm-l7,tlsterm-1p,nginx,haproxy,node-tls,node-h2
                      the columns; also node-peek (node-tls behind a JS read of the
                      ClientHello, as tlsterm accepts), node-pipe (a bare TLS-to-TCP pipe),
                      node-proxy (node-peek proxying each request over pooled backend sockets),
                      tlsterm-w2 (workers: 2) and nginx-w2 (worker_processes 2),
                      tlsterm-w2rp and nginx-w2rp (the same, a socket per worker:
                      reuse_port / reuseport)
  BENCH_BASELINE=DIR  also run DIR/bin/tlsterm as tlsterm-base (A/B of a change, same run)
  BENCH_TLSTERM=DIR   run DIR/bin/tlsterm as the tlsterm column (default: this tree)
  BENCH_SECONDS=3     duration of each timed run (about 3.5 min in all)
  BENCH_PRE_RUN_SECONDS=2  unmeasured seconds of a scenario's own load before each measured run
                      (keep-alive, handshakes, h2-load); 0 for none
  BENCH_ROUNDS=3      interleaved rounds; the table shows medians
  BENCH_IDLE_CONNS=2000  idle TLS connections held for the memory figure
  BENCH_BULK_MIB=128  size of the bulk download
  BENCH_H2_CONNS=4    h2load connections (h2-load)
  BENCH_H2_STREAMS=8  h2load concurrent streams per connection (h2-load)
  BENCH_AFTER_LOAD_CONNS=5000  connections opened and closed by after-load
  BENCH_AFTER_LOAD_SECONDS=60  how long after they closed after-load reads the memory
  BENCH_KEEP_DIR=1    keep the temp dir with generated configs and logs
`;
