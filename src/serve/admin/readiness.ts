// /readyz's checks, from what the primary knows: the serving generation's workers all listen (a
// worker says `ready` only once every listener of the plan is bound), every terminating site has
// a certificate, and the state backend answers (down = degraded: tickets and the session cache
// fall back to full handshakes, still serving). Pure.

import type { Plan } from '../../config/plan.ts';
import type { ReadinessCheck } from '../../observe/index.ts';
import type { ClusterView } from '../cluster/index.ts';
import type { BackendHealth } from './backend-health.ts';

export function readinessChecks(
  plan: Plan,
  view: ClusterView,
  addresses: readonly { readonly listener: string; readonly address: string; readonly port: number }[],
  backend: BackendHealth,
): ReadinessCheck[] {
  const serving = view.workers.filter((w) => w.generation === view.generation);
  const ready = serving.filter((w) => w.ready).length;
  const waiting = serving.filter((w) => !w.ready).map((w) => w.pid);
  const listenersOk = ready >= view.expected && waiting.length === 0;
  const bound = addresses.map(
    (a) => `${a.listener} ${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`,
  );
  const sitesWithout = plan.listeners.flatMap((l) =>
    l.sites.filter((s) => s.mode === 'terminate' && s.certificates.length === 0).map((s) => s.id),
  );
  const down = backend.down();
  const stateName = plan.state.backend;
  return [
    {
      check: 'listeners',
      ok: listenersOk,
      reason: listenersOk
        ? `${ready} of ${view.expected} workers listen on ${bound.join(', ')}`
        : `${ready} of ${view.expected} workers listen${waiting.length > 0 ? `; starting: ${waiting.join(', ')}` : ''}`,
    },
    {
      check: 'certificates',
      ok: sitesWithout.length === 0,
      reason:
        sitesWithout.length === 0
          ? 'every terminating site has a certificate'
          : `no certificate for ${sitesWithout.join(', ')}`,
    },
    down.length === 0
      ? { check: 'state_backend', ok: true, reason: `${stateName}: reachable` }
      : {
          check: 'state_backend',
          ok: false,
          degraded: true,
          reason: `${stateName} unreachable since ${down[0]?.since} (${down.map((d) => `${d.url}: ${d.error}`).join('; ')}): resumption falls back to full handshakes`,
        },
  ];
}
