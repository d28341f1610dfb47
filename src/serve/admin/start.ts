// Starts the admin listener in the cluster primary, before the workers: /healthz answers from the
// start and /readyz says "starting" until the supervisor is up (then its checks). The API routes
// are registered once there is an instance to describe.

import {
  type AdminPlan,
  type AdminRoutes,
  type AdminServer,
  type AdminSources,
  apiRoutes,
  createAdminRoutes,
  healthRoutes,
  type Logger,
  startAdminServer,
} from '../../observe/index.ts';

export interface AdminListener {
  readonly server: AdminServer;
  /** The routing seam: /metrics and the status page add theirs here. */
  readonly routes: AdminRoutes;
  /** The instance is up: readiness and the API read it from now on. */
  attach(sources: AdminSources): void;
}

export async function startAdminListener(plan: AdminPlan, log: Logger): Promise<AdminListener> {
  let live: AdminSources | undefined;
  const routes = createAdminRoutes(
    healthRoutes({
      readiness: async () =>
        live?.readiness() ?? [
          { check: 'listeners', ok: false, reason: 'starting: the workers are not up yet' },
        ],
    }),
  );
  const server = await startAdminServer(plan, routes, log);
  return {
    server,
    routes,
    attach(sources) {
      live = sources;
      for (const route of apiRoutes(sources)) routes.add(route);
    },
  };
}
