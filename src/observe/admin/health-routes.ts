// /healthz: the process answers. /readyz: every check passes (a degraded one still counts as ready:
// serving knowingly without it), with each check and its reason in the body. Both are public: load
// balancers and orchestrators probe without a token.

import { type AdminRoute, json } from './routes.ts';
import type { AdminSources } from './sources.ts';

export function healthRoutes(sources: Pick<AdminSources, 'readiness'>): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      public: true,
      handler: async () => ({ status: 200, body: 'ok\n' }),
    },
    {
      method: 'GET',
      path: '/readyz',
      public: true,
      handler: async () => {
        const checks = await sources.readiness();
        const ready = checks.every((c) => c.ok || c.degraded === true);
        const degraded = ready && checks.some((c) => !c.ok);
        return json(ready ? 200 : 503, {
          status: ready ? (degraded ? 'degraded' : 'ready') : 'not_ready',
          checks,
        });
      },
    },
  ];
}
