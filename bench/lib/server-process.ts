// Starting and stopping the processes under test. Every process started here is registered so that
// it is killed when the bench ends, however it ends (normal return, exception, Ctrl-C).
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { onExit } from './cleanup.ts';
import { processTree } from './proc.ts';
import { within } from './wait.ts';

export interface ServerSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Where the process writes its stdout (tlsterm logs one line per request: /dev/null). */
  readonly stdoutPath?: string;
  /** The port that accepts connections once the server is ready. */
  readonly port: number;
  readonly readyTimeoutMs?: number;
  /**
   * Start and stop it once before the start that is measured. tlsterm from a checkout runs its
   * TypeScript sources: a first start after a change finds Node's compile cache cold, strips the
   * types and keeps Node's type stripper loaded (~12 MiB in each process, measured), which neither a
   * later start nor an installed tlsterm (dist/, plain JS) has.
   */
  readonly primeStart?: boolean;
  /** Added to the environment (Node's floors: their compile cache). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** The server's processes now (root + descendants). */
  pids(): number[];
  stderr(): string;
  stop(): Promise<void>;
}

export type StartResult = { ok: true; server: RunningServer } | { ok: false; error: string };

const live = new Set<ChildProcess>();

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  // Children first: if nginx's master died first, its workers would be re-parented and missed.
  for (const pid of processTree(child.pid).reverse()) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Kill everything still running, synchronously (usable from a process 'exit' handler). */
export function killAll(): void {
  for (const child of live) killTree(child, 'SIGKILL');
  live.clear();
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

// The shell raises the descriptor limit (2,000 idle connections + upstreams) and then execs, so the
// pid we hold is the server's own and signals reach it directly. Without CAP_SYS_RESOURCE (e.g. in
// a container) the hard limit is as far as it goes; the configs stay within 20,000.
const RAISE_NOFILE = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';

export async function startServer(spec: ServerSpec): Promise<StartResult> {
  onExit(killAll); // a Set: registering again is a no-op
  const stdout = spec.stdoutPath === undefined ? 'ignore' : openSync(spec.stdoutPath, 'w');
  const child = spawn('sh', ['-c', RAISE_NOFILE, spec.command, ...spec.args], {
    cwd: spec.cwd,
    ...(spec.env !== undefined ? { env: { ...process.env, ...spec.env } } : {}),
    stdio: ['ignore', stdout, 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Keep the head: start-up errors come first, and a chatty server must not grow this forever.
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal === null ? `exited with code ${code}` : `killed by ${signal}`;
    live.delete(child);
  });
  child.once('error', (err) => {
    exited = err.message;
    live.delete(child);
  });

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 15_000);
  let ready = false;
  while (!ready && exited === undefined && Date.now() < deadline) {
    ready = await canConnect(spec.port);
    if (!ready) await sleep(100);
  }
  if (!ready || exited !== undefined || child.pid === undefined) {
    killTree(child, 'SIGKILL');
    live.delete(child);
    const why =
      exited ?? `not accepting connections on port ${spec.port} after ${spec.readyTimeoutMs ?? 15_000} ms`;
    return { ok: false, error: `${spec.name}: ${why}${stderr.trim() === '' ? '' : `\n${stderr.trim()}`}` };
  }
  const pid = child.pid;
  return {
    ok: true,
    server: {
      name: spec.name,
      pid,
      port: spec.port,
      pids: () => processTree(pid),
      stderr: () => stderr,
      stop: () => stopChild(child),
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (!live.has(child) || child.pid === undefined) return;
  // Graceful stop goes to the root only (nginx's master stops its workers; a worker signalled on
  // its own would just be respawned). Whatever is left after 3 s is killed, workers included.
  const tree = processTree(child.pid);
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if (!(await within(gone, 3000))) {
    for (const pid of tree.reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.delete(child);
}
