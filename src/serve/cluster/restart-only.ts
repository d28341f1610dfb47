// What a reload cannot change, because the running processes or sockets are built on it: the
// process model (single_process) and, per address, whether the workers share the primary's socket
// or each bind their own (reuse_port): a SO_REUSEPORT bind fails beside a socket without it, and the
// other way round. Pure.

import type { Plan } from '../../config/plan.ts';
import { addressText } from '../bind-error.ts';

/** Why a reload cannot take `plan` (single_process switched), or undefined. */
export const processModelChange = (plan: Plan, inline: boolean): string | undefined =>
  (plan.singleProcess === true) === inline
    ? undefined
    : `single_process changes only at a restart (this instance runs ${inline ? 'one process' : 'a primary and workers'})`;

/** Every address the plan binds (as messages write it), and whether it has reuse_port. */
export const reusePortByAddress = (plan: Plan): Map<string, boolean> =>
  new Map(
    [...plan.listeners, ...plan.httpListeners].map((l) => [
      addressText(l.host, l.port),
      l.reusePort === true,
    ]),
  );

/** Why a reload cannot take `next`: an address both plans bind, with reuse_port switched. */
export function reusePortChange(next: Plan, running: Plan): string | undefined {
  const before = reusePortByAddress(running);
  for (const [address, on] of reusePortByAddress(next)) {
    const was = before.get(address);
    if (was !== undefined && was !== on)
      return `reuse_port on ${address} changes only at a restart (the workers ${was ? 'bind it each with SO_REUSEPORT' : "share the primary's socket"}, and the new ones could not bind beside them)`;
  }
  return undefined;
}

/** Why a reload from `running` to `next` needs a restart, or undefined. */
export const restartOnlyChange = (next: Plan, running: Plan, inline: boolean): string | undefined =>
  processModelChange(next, inline) ?? (inline ? undefined : reusePortChange(next, running));
