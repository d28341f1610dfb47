// serve's side of the admin API: the AdminSources the admin listener reads, from the supervisor
// (generation, workers, addresses), the backend health tap and the instance's reload.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AdminSources, InstanceStatus } from '../../observe/index.ts';
import type { ReloadOutcome, Supervisor } from '../cluster/index.ts';
import type { BackendHealth } from './backend-health.ts';
import { readinessChecks } from './readiness.ts';

export interface SourceDeps {
  readonly supervisor: Supervisor;
  readonly backend: BackendHealth;
  readonly reloadInstance: () => Promise<ReloadOutcome>;
  /** undefined: the embedded default. */
  readonly configFile: string | undefined;
  readonly version: string;
  /** process start, ms since the epoch */
  readonly startedAt: number;
}

const sha256Of = async (file: string | undefined): Promise<string | null> =>
  file === undefined
    ? null
    : readFile(file).then(
        (bytes) => createHash('sha256').update(bytes).digest('hex'),
        () => null,
      );

export function createAdminSources(deps: SourceDeps): AdminSources {
  const { supervisor } = deps;
  // The digest of the config in service: taken at start and after each reload that went into
  // service (not of the file as it is now, which may hold an edit not yet reloaded).
  let digest = sha256Of(deps.configFile);
  return {
    readiness: async () =>
      readinessChecks(supervisor.plan, supervisor.view(), supervisor.addresses, deps.backend),
    status: async (): Promise<InstanceStatus> => {
      const view = supervisor.view();
      return {
        version: deps.version,
        pid: process.pid,
        uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
        generation: view.generation,
        workers: view.workers,
        config: { file: supervisor.plan.source ?? null, sha256: await digest },
        listeners: supervisor.addresses,
      };
    },
    reload: async () => {
      const outcome = await deps.reloadInstance();
      if (outcome.ok) digest = sha256Of(deps.configFile);
      return outcome;
    },
  };
}
