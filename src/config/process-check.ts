// `workers:` and `single_process:` (top level): how many serving processes, and whether the primary
// serves itself. One process is a trade an operator makes by name: ~80 MiB less at idle, but a
// crash takes the instance down (no worker restart) and there is no second process to keep root
// for a reload once `user:` dropped it, so `user:` is refused with it.

import type { CheckContext } from './check-context.ts';
import type { RawConfig } from './schema.ts';

export interface ProcessPlan {
  readonly workers: number | 'auto';
  /** The primary serves (one process); a reload starts the new generation beside the old in it. */
  readonly singleProcess: boolean;
}

export function checkProcesses(
  ctx: CheckContext,
  raw: Pick<RawConfig, 'workers' | 'single_process' | 'user'>,
): ProcessPlan {
  const singleProcess = raw.single_process === true;
  if (!singleProcess) return { workers: raw.workers ?? 'auto', singleProcess };
  if (raw.workers !== undefined && raw.workers !== 1)
    ctx.add(
      'error',
      'workers',
      `single_process serves from one process: workers: ${raw.workers} asks for more`,
      'leave workers out (or set it to 1) with single_process, or drop single_process',
    );
  if (raw.user !== undefined)
    ctx.add(
      'error',
      'single_process',
      'single_process cannot drop to user: a reload needs the privileges the drop gave up (binding, reading the keys), and only the primary keeps them',
      'drop single_process, or drop user: and let the process bind low ports another way (setcap cap_net_bind_service=+ep on node, or AmbientCapabilities=CAP_NET_BIND_SERVICE in a systemd unit)',
    );
  return { workers: 1, singleProcess };
}
