// The origin every proxy forwards to: one plain-HTTP nginx, separate from the nginx under test,
// serving a 1 KiB file and a large one. The same instance for all contenders.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { nginxBackendConfig } from './nginx-config.ts';
import { freePort } from './ports.ts';
import { type RunningServer, startServer } from './server-process.ts';

// Random bytes, so nothing along the way could shortcut a run of zeros.
function writeFiles(root: string, bigMiB: number): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, '1k'), randomBytes(1024));
  const chunk = randomBytes(1024 * 1024);
  const fd = openSync(join(root, 'big'), 'w');
  try {
    for (let i = 0; i < bigMiB; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

function fetchLength(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve(length) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Start-up code: throws if the backend cannot be brought up, since nothing can be measured without it. */
export async function startBackend(dir: string, bigMiB: number): Promise<RunningServer> {
  const root = join(dir, 'www');
  writeFiles(root, bigMiB);
  const port = await freePort();
  const launch = nginxBackendConfig(join(dir, 'backend'), port, root);
  const started = await startServer({
    name: 'backend nginx',
    command: launch.command,
    args: launch.args,
    port,
  });
  if (!started.ok) throw new Error(started.error);
  const length = await fetchLength(port, '/1k');
  if (length !== 1024) throw new Error(`backend served ${length} bytes for /1k, expected 1024`);
  return started.server;
}
