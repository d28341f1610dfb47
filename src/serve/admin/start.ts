// Starts the admin listener in the cluster primary, before the workers: /healthz answers from the
// start, /readyz says "starting" and the API answers 503 until the supervisor is up.

import {
  type AdminPlan,
  type AdminServer,
  type AdminSources,
  apiRoutes,
  createAdminRoutes,
  failure,
  healthRoutes,
  type Logger,
  startAdminServer,
} from '../../observe/index.ts';

export interface AdminListener {
  readonly server: AdminServer;
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
  // The API's routes exist from the start; each reads `live` once the instance is up.
  const later = new Proxy({} as AdminSources, {
    get:
      (_, name: keyof AdminSources) =>
      (...args: never[]) =>
        (live?.[name] as (...a: never[]) => unknown)(...args),
  });
  for (const route of apiRoutes(later))
    routes.add({
      ...route,
      handler: (request) =>
        live === undefined
          ? Promise.resolve(
              failure(503, 'the instance is starting', 'retry in a moment (GET /readyz says when)'),
            )
          : route.handler(request),
    });
  const server = await startAdminServer(plan, routes, log);
  return {
    server,
    attach(sources) {
      live = sources;
    },
  };
}
