// serve's side of the admin API: the AdminSources the admin listener reads, from the supervisor
// (generation, workers, addresses, and the workers' own answers over IPC), the backend health tap,
// the on-demand key log and the instance's reload.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import process from 'node:process';
import type { AdminSources, InstanceStatus } from '../../observe/index.ts';
import type { ReloadOutcome, Supervisor } from '../cluster/index.ts';
import type { BackendHealth } from './backend-health.ts';
import { clientMatcher } from './cidr.ts';
import type { KeylogSession } from './keylog-session.ts';
import { mergeCertificates, mergeConnections, mergeEvents, mergeTicketKeys } from './merge.ts';
import { readinessChecks } from './readiness.ts';

export interface SourceDeps {
  readonly supervisor: Supervisor;
  readonly backend: BackendHealth;
  readonly reloadInstance: () => Promise<ReloadOutcome>;
  readonly keylog: KeylogSession;
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
      // The listeners that give each worker a socket of its own (reuse_port), as configured.
      const { listeners, httpListeners } = supervisor.plan;
      const ownSockets = new Set(
        [...listeners, ...httpListeners].filter((l) => l.reusePort === true).map((l) => l.name),
      );
      return {
        version: deps.version,
        pid: process.pid,
        uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
        generation: view.generation,
        workers: view.workers,
        config: { file: deps.configFile === undefined ? null : supervisor.plan.source, sha256: await digest },
        listeners: supervisor.addresses.map((a) =>
          ownSockets.has(a.listener) ? { ...a, reuse_port: true } : a,
        ),
        keylog: deps.keylog.state(),
      };
    },
    reload: async () => {
      const outcome = await deps.reloadInstance();
      if (outcome.ok) digest = sha256Of(deps.configFile);
      return outcome;
    },
    certificates: async () => {
      const a = await supervisor.ask({ what: 'certificates' });
      return { value: mergeCertificates(a.answers), missing: a.missing };
    },
    connections: async (limit) => {
      const a = await supervisor.ask({ what: 'connections', limit });
      return { value: mergeConnections(a.answers, limit), missing: a.missing };
    },
    ticketKeys: async () => {
      const a = await supervisor.ask({ what: 'ticket-keys' });
      return { value: mergeTicketKeys(a.answers), missing: a.missing };
    },
    events: async (filter) => {
      if (filter.client !== undefined) {
        const m = clientMatcher(filter.client);
        if (!m.ok) return { ok: false, status: 400, error: m.error, hint: 'e.g. client=10.0.0.0/8' };
      }
      // Draining workers' lines count too: the last events are the last events.
      const a = await supervisor.ask({ what: 'events', query: filter }, true);
      return { ok: true, value: { value: mergeEvents(a.answers, filter.limit), missing: a.missing } };
    },
    keylogStart: (body) => deps.keylog.start(body),
    keylogStop: () => deps.keylog.stop(),
  };
}
