// The origins the proxies forward to, separate from the nginx under test, each one worker, serving
// a 1 KiB file and a large one from the same directory: a plain-HTTP nginx behind the terminating
// proxies, and an HTTPS nginx behind the passthrough proxies (it does the TLS they pass through).
// One instance of each for all contenders.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { BenchCerts } from './certs.ts';
import { type NginxLaunch, nginxBackendConfig, nginxTlsBackendConfig } from './nginx-config.ts';
import { freePort } from './ports.ts';
import { type RunningServer, startServer } from './server-process.ts';

/** Writes the served files under `dir`/www and returns that root. Random bytes, so nothing along
 * the way could shortcut a run of zeros. */
export function writeBackendFiles(dir: string, bigMiB: number): string {
  const root = join(dir, 'www');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, '1k'), randomBytes(1024));
  const chunk = randomBytes(1024 * 1024);
  const fd = openSync(join(root, 'big'), 'w');
  try {
    for (let i = 0; i < bigMiB; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return root;
}

function bodyLength(res: IncomingMessage, resolve: (n: number) => void, reject: (e: Error) => void): void {
  let length = 0;
  res.on('data', (chunk: Buffer) => {
    length += chunk.length;
  });
  res.on('end', () =>
    res.statusCode === 200 ? resolve(length) : reject(new Error(`HTTP ${res.statusCode}`)),
  );
}

function fetchLength(port: number, path: string, certs?: BenchCerts): Promise<number> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, timeout: 5000 };
    const req =
      certs === undefined
        ? request(options, (res) => bodyLength(res, resolve, reject))
        : httpsRequest(
            { ...options, servername: certs.hostname, ca: readFileSync(certs.ca), agent: false },
            (res) => bodyLength(res, resolve, reject),
          );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function start(
  name: string,
  port: number,
  launch: NginxLaunch,
  certs?: BenchCerts,
): Promise<RunningServer> {
  const started = await startServer({ name, command: launch.command, args: launch.args, port });
  if (!started.ok) throw new Error(started.error);
  const length = await fetchLength(port, '/1k', certs);
  if (length !== 1024) throw new Error(`${name} served ${length} bytes for /1k, expected 1024`);
  return started.server;
}

/** Start-up code: throws if the backend cannot be brought up, since nothing can be measured without it. */
export async function startBackend(dir: string, root: string): Promise<RunningServer> {
  const port = await freePort();
  return start('backend nginx', port, nginxBackendConfig(join(dir, 'backend'), port, root));
}

/** The HTTPS backend of the passthrough scenarios, checked with a verifying client. Throws like startBackend. */
export async function startTlsBackend(dir: string, root: string, certs: BenchCerts): Promise<RunningServer> {
  const port = await freePort();
  return start(
    'TLS backend nginx',
    port,
    nginxTlsBackendConfig(join(dir, 'tls-backend'), port, root, certs),
    certs,
  );
}
