// HAProxy as a real peer: a foreground child (-db) on a config the test writes, with one free
// loopback port per frontend. Used as the L4 balancer in front of tlsterm (PROXY protocol in).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, stopChild, waitForPort } from './net.ts';

export const hasHaproxy = (): boolean => spawnSync('haproxy', ['-v']).status === 0;

export interface RunningHaproxy {
  /** The port of each frontend, in the order given. */
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/**
 * `frontends` are `listen` section bodies after their bind line (e.g. `server s1 127.0.0.1:PORT
 * send-proxy-v2`), in TCP mode. Rejects with HAProxy's output when it does not come up.
 */
export async function startHaproxy(dir: string, frontends: readonly string[]): Promise<RunningHaproxy> {
  const ports: number[] = [];
  for (const _ of frontends) ports.push(await freePort());
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(
    file,
    `global
  maxconn 200
defaults
  mode tcp
  timeout connect 2s
  timeout client 10s
  timeout server 10s
${frontends.map((body, i) => `listen f${i}\n  bind 127.0.0.1:${ports[i]}\n  ${body}\n`).join('')}`,
  );
  let output = '';
  const child = spawn('haproxy', ['-f', file, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  for (const port of ports) {
    if (!(await waitForPort(port, 200, 25))) {
      await stopChild(child);
      throw new Error(`haproxy did not start: ${output}`);
    }
  }
  return { ports, stop: () => stopChild(child) };
}
