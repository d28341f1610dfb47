// nginx as a real peer: a foreground child with its own prefix directory and a config whose http
// block the test writes, on a free loopback port.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, stopChild, waitForPort } from './net.ts';

export const hasNginx = (): boolean => spawnSync('nginx', ['-v']).status === 0;

export interface RunningNginx {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts nginx with `http(port)` as the body of its http block (temp paths are set already), after
 * picking `port`. Rejects with nginx's error log when it does not come up.
 */
export async function startNginx(
  dir: string,
  http: (port: number) => string,
  opts: { workerConnections?: number } = {},
): Promise<RunningNginx> {
  const port = await freePort();
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    file,
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${opts.workerConnections ?? 512}; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${http(port)}
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', file, '-g', 'daemon off;'], { stdio: 'ignore' });
  if (await waitForPort(port, 200, 25)) return { port, stop: () => stopChild(child) };
  await stopChild(child);
  const log = path.join(dir, 'error.log');
  throw new Error(`nginx did not start: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`);
}
