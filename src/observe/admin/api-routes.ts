// The JSON runtime API under /api/v1/: what the running instance holds, and the actions on it.

import { type AdminRoute, json } from './routes.ts';
import type { AdminSources } from './sources.ts';

export const API = '/api/v1';

export function apiRoutes(sources: AdminSources): AdminRoute[] {
  const routes: AdminRoute[] = [
    { method: 'GET', path: `${API}/status`, handler: async () => json(200, await sources.status()) },
    {
      method: 'POST',
      path: `${API}/reload`,
      handler: async () => {
        const outcome = await sources.reload();
        return json(outcome.ok ? 200 : 409, outcome);
      },
    },
  ];
  const index: AdminRoute = {
    method: 'GET',
    path: `${API}/`,
    handler: async () => json(200, { endpoints: routes.map((r) => `${r.method} ${r.path}`) }),
  };
  return [index, ...routes];
}
