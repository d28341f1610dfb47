// Client connections open at tlsterm, read from the kernel (/proc/net/tcp{,6}) rather than from
// tlsterm: what the machine holds, whatever tlsterm believes it holds.
import { readFileSync } from 'node:fs';

const ESTABLISHED = '01';

/** Established sockets whose local port is `port`, in the text of /proc/net/tcp or tcp6. Pure. */
export function countEstablished(table: string, port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const line of table.split('\n').slice(1)) {
    // "  sl  local_address rem_address   st ...": local is ADDR:PORT in hex
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const local = fields[1] ?? '';
    if (fields[3] === ESTABLISHED && local.slice(local.lastIndexOf(':') + 1) === hexPort) n += 1;
  }
  return n;
}

export function establishedOnPort(port: number): number {
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      n += countEstablished(readFileSync(file, 'utf8'), port);
    } catch {
      // no IPv6 table: nothing there
    }
  }
  return n;
}
