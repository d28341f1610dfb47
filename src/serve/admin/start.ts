// Starts the admin listener in the cluster primary, before the workers: /healthz answers from the
// start, /readyz says "starting" and the API answers 503 until the supervisor is up.

import {
  type AdminPlan,
  type AdminRoutes,
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
  // The API's routes exist from the start; they read `live` once the instance is up (until then
  // the wrapper below answers 503 before any of these is called).
  const up = (): AdminSources => {
    if (live === undefined) throw new Error('the instance is starting');
    return live;
  };
  const later: AdminSources = {
    readiness: () => up().readiness(),
    status: () => up().status(),
    reload: () => up().reload(),
    certificates: () => up().certificates(),
    connections: (limit) => up().connections(limit),
    ticketKeys: () => up().ticketKeys(),
    events: (filter) => up().events(filter),
    keylogStart: (body) => up().keylogStart(body),
    keylogStop: () => up().keylogStop(),
  };
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
    routes,
    attach(sources) {
      live = sources;
    },
  };
}
