// The admin listener: HTTP server, routing seam, token check, health and the JSON runtime API.
export { API, apiRoutes, DEFAULT_LIMIT, limitOf, MAX_LIMIT } from './api-routes.ts';
export { tokenMatches } from './auth.ts';
export { healthRoutes } from './health-routes.ts';
export {
  type AdminReply,
  type AdminRequest,
  type AdminRoute,
  type AdminRoutes,
  createAdminRoutes,
  failure,
  json,
} from './routes.ts';
export { type AdminServer, startAdminServer } from './server.ts';
export { type AdminPlan, isLoopbackHost } from './settings.ts';
export type {
  AdminSources,
  EventFilter,
  Gathered,
  InstanceStatus,
  JsonObject,
  ReadinessCheck,
  ReloadReply,
  SourceAnswer,
  WorkerInfo,
} from './sources.ts';
