// Loopback plumbing shared by the integration tests: free ports, waiting for a listener, stopping
// a child process politely and then firmly.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A port nothing listens on right now (closed again before it is returned). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

export const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** Resolves once something accepts on 127.0.0.1:port; false after `tries` × `intervalMs`. */
export async function waitForPort(port: number, tries = 100, intervalMs = 50): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await canConnect(port)) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
