// `listeners[].reuse_port`: each worker binds the address itself with SO_REUSEPORT, and the kernel
// spreads new connections across the workers' sockets by a hash of the client's address and port
// (nginx's `listen … reuseport`). Without it the workers share the primary's one socket
// (`SCHED_NONE`): whichever worker wakes first takes a burst of connections, measured 64/36 for two
// workers (docs/benchmarks.md, "Scale across cores"). What it cannot do is checked here.

import { readFileSync } from 'node:fs';
import { parseListenAddress } from './address.ts';
import type { CheckContext } from './check-context.ts';
import type { RawConfig } from './schema.ts';

/** Linux ≥ 5.14 moves the connections queued on a closing SO_REUSEPORT socket to another one. */
export const MIGRATE_SYSCTL = '/proc/sys/net/ipv4/tcp_migrate_req';

/** The sysctl's value, or undefined where the kernel has none. */
export function readMigrateSysctl(): string | undefined {
  try {
    return readFileSync(MIGRATE_SYSCTL, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function checkReusePort(
  ctx: CheckContext,
  raw: Pick<RawConfig, 'listeners' | 'user' | 'single_process'>,
  migrate: () => string | undefined = readMigrateSysctl,
): void {
  const on = raw.listeners.flatMap((l, i) =>
    l.reuse_port === true ? [{ l, at: `listeners[${i}].reuse_port` }] : [],
  );
  const first = on[0];
  if (first === undefined) return;
  for (const { l, at } of on) {
    const address = parseListenAddress(l.address);
    if (address.ok && address.value.port === 0)
      ctx.add(
        'error',
        at,
        `reuse_port with port 0: each worker would bind a free port of its own (${l.address})`,
        'give the listener a fixed port, or remove reuse_port',
      );
  }
  if (raw.single_process === true) {
    ctx.add(
      'warning',
      first.at,
      'reuse_port has no effect with single_process: one process accepts on one socket per address',
      'remove reuse_port, or drop single_process to have workers',
    );
    return;
  }
  if (raw.user !== undefined) {
    ctx.add(
      'error',
      first.at,
      `reuse_port cannot be combined with user: a worker started after a reload or a crash runs as ${raw.user}, and the kernel lets only the user that bound a SO_REUSEPORT port (root) bind it again`,
      'remove reuse_port, or remove user: and run tlsterm as that user, letting it bind low ports another way (AmbientCapabilities=CAP_NET_BIND_SERVICE in a systemd unit)',
    );
    return;
  }
  const value = migrate();
  if (value !== '1')
    ctx.add(
      'warning',
      first.at,
      value === undefined
        ? `this kernel has no ${MIGRATE_SYSCTL} (Linux < 5.14): connections waiting in a worker's accept queue are reset when its socket closes (a reload, a worker restart, a stop)`
        : `net.ipv4.tcp_migrate_req is ${value}: connections waiting in a worker's accept queue are reset when its socket closes (a reload, a worker restart, a stop)`,
      value === undefined
        ? 'a reload under load may reset a few connections; without reuse_port the workers share one socket and none is lost'
        : 'set net.ipv4.tcp_migrate_req = 1 (sysctl -w, and a file in /etc/sysctl.d/ to keep it): the kernel then moves them to another worker',
    );
}
