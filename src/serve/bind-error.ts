// A listener that cannot bind says what to do: which process holds the port (when /proc shows
// it), how to get a port below 1024 without running as root, and what an address that is not
// this host's means. Start-up code only (it reads /proc synchronously, once, on failure).

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import process from 'node:process';
import { Errors, TlstermError } from '../errors.ts';

/** Socket inodes listening on `port` in a /proc/net/tcp{,6} table (state 0A = LISTEN). */
export function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
    const local = cols[1];
    if (local === undefined || cols[3] !== '0A') continue;
    if (local.slice(local.lastIndexOf(':') + 1) === hexPort && cols[9] !== undefined) inodes.push(cols[9]);
  }
  return inodes;
}

/** The processes holding a listening socket on `port`, as far as this user may see them. */
export function portHolders(port: number, maxPids = 10_000): { pid: number; command: string }[] {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const i of listeningInodes(readFileSync(table, 'utf8'), port)) inodes.add(`socket:[${i}]`);
    } catch {
      // no /proc here
    }
  }
  if (inodes.size === 0) return [];
  const holders: { pid: number; command: string }[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const pid of pids.slice(0, maxPids)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process: not visible without privileges
    }
    const holds = fds.some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (!holds || Number(pid) === process.pid) continue;
    let command = '?';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {}
    holders.push({ pid: Number(pid), command: command.slice(0, 120) });
  }
  return holders;
}

/** What to do about a bind failure, by its errno. */
export function bindHint(
  code: string | undefined,
  host: string,
  port: number,
  holders: (port: number) => { pid: number; command: string }[] = portHolders,
): string {
  switch (code) {
    case 'EADDRINUSE': {
      const found = holders(port);
      const who =
        found.length > 0
          ? `it is held by ${found.map((h) => `pid ${h.pid} (${h.command})`).join(', ')}`
          : `the holder is not visible to this user: \`sudo ss -ltnp 'sport = :${port}'\` names it`;
      return `port ${port} is in use: ${who}; stop it or pick another port`;
    }
    case 'EACCES':
    case 'EPERM':
      return port < 1024
        ? `ports below 1024 need CAP_NET_BIND_SERVICE: run under systemd with AmbientCapabilities=CAP_NET_BIND_SERVICE (contrib/systemd/tlsterm.service), or \`sudo setcap cap_net_bind_service=+ep "$(readlink -f "$(command -v node)")"\`, or start as root with \`user:\` in the config to drop privileges after binding; or use a port from 1024 up`
        : 'the system refused the port (a security policy?): pick another port';
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this host: check \`ip -br addr\`, or listen on 0.0.0.0 / [::] (all addresses)`;
    default:
      return 'pick a free port, or stop whatever holds it';
  }
}

/** An address as messages write it: [::1]:443 for IPv6. Pure. */
export const addressText = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

export function listenError(host: string, port: number, error: unknown): TlstermError {
  const e = error as NodeJS.ErrnoException;
  return new TlstermError(Errors.listen(addressText(host, port), e.message, bindHint(e.code, host, port)), {
    cause: error,
  });
}
