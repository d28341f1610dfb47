// The instance's reload as one function with an outcome: a new generation of workers on the config
// as it is now, then what the primary does after a good one (ACME follows the new plan). SIGHUP,
// `POST /api/v1/reload` and `tlsterm reload` all go through it.

import type { Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import type { ReloadOutcome } from './reload.ts';
import type { Supervisor } from './supervisor.ts';

export function createReloadInstance(
  supervisor: Supervisor,
  afterReload: (plan: Plan) => Promise<void> | void,
  log: Logger,
): () => Promise<ReloadOutcome> {
  return async function reloadInstance(): Promise<ReloadOutcome> {
    const outcome = await supervisor.reload();
    if (outcome.ok)
      await Promise.resolve(afterReload(supervisor.plan)).catch((e: unknown) =>
        log({ event: 'certificate_manager_error', level: 'error', error: String(e) }),
      );
    return outcome;
  };
}
