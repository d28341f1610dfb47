// Loopback plumbing shared by the integration tests: free ports, waiting for a listener, stopping
// a child process politely and then firmly.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

// Ports for servers that must be told their port up front (tlsterm's config, pebble). Picked below
// Linux's ephemeral range (32768–60999): a port from the kernel's own pick (listen on 0) is free
// when returned but can be taken by any outgoing connection before the server binds it, which
// concurrent tests make by the thousand (seen: EADDRINUSE in an ACME test). Below that range only
// another explicit pick can collide, and the bind check makes that unlikely.
const LOW = 10_000;
const HIGH = 32_000;

const canBind = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

// Ports this process has handed out. A port is picked long before its server binds it (an ACME
// test picks tlsterm's ports, then starts Pebble, which picks four more): without this, the second
// pick could return the first, still unbound (seen: tlsterm's port taken by pebble-challtestsrv).
const handedOut = new Set<number>();

/** A port nothing listens on right now, outside the ephemeral range, never the same one twice per process. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in ${LOW}–${HIGH}`);
}

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
