// A real redis-server for the state tests: started on a free loopback port with no persistence,
// killed (SIGKILL: a crash, not a shutdown) and restarted on the same port when a test wants an
// outage, and always killed in `after`.
//
//   const redis = await startRedis();                 // or startRedis({ args: ['--requirepass', 'pw'] })
//   t.after(() => redis.stop());
//   redis.url()                                        // redis://127.0.0.1:PORT

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/net.ts';
import { run } from '../helpers/run.ts';

export interface RedisTls {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface RedisServer {
  readonly port: number;
  /** redis:// (or rediss:// with TLS) URL, with credentials when given. */
  url(user?: string, password?: string): string;
  /** SIGKILL and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: Redis holds the connection but answers nothing. */
  freeze(): void;
  thaw(): void;
  /** redis-cli against this server (as the default user, with `password` if the server has one). */
  cli(args: readonly string[], password?: string): Promise<string>;
}

export async function startRedis(
  options: { args?: readonly string[]; tls?: RedisTls } = {},
): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const portArgs = options.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        options.tls.certPath,
        '--tls-key-file',
        options.tls.keyPath,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  // Its own working directory: a replica's full sync writes an RDB file there even with --save ''
  // (it once landed in the repository as dump.rdb).
  const dir = mkdtempSync(join(tmpdir(), 'tlsterm-redis-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const args = [
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--bind',
    '127.0.0.1',
    ...portArgs,
    ...(options.args ?? []),
  ];

  const start = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const proc = spawn('/usr/bin/redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const ready = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 20_000);
        proc.stdout!.on('data', (d: Buffer) => {
          output += d.toString();
          if (output.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        proc.on('exit', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (ready) {
        proc.stdout!.resume();
        proc.stderr!.resume();
        child = proc;
        return;
      }
      proc.kill('SIGKILL');
      // The port may still be held a moment after a kill: try again briefly.
      if (attempt >= 20) throw new Error(`redis-server did not start on port ${port}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  await start();
  const scheme = options.tls ? 'rediss' : 'redis';
  return {
    port,
    url(user, password) {
      const auth = password === undefined ? '' : `${user ?? ''}:${encodeURIComponent(password)}@`;
      return `${scheme}://${auth}127.0.0.1:${port}`;
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGCONT');
      proc.kill('SIGKILL');
      await exited;
    },
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async cli(cliArgs, password) {
      const tlsArgs = options.tls ? ['--tls', '--insecure'] : [];
      const auth = password === undefined ? [] : ['--no-auth-warning', '-a', password];
      const result = await run('redis-cli', ['-p', String(port), ...tlsArgs, ...auth, ...cliArgs]);
      return result.stdout.trim();
    },
  };
}
