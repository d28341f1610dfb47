// The admin listener's data, from the running instance (the primary's view and the workers' over IPC).
export type { AdminAnswer, AdminAsk, KeylogOrder } from './asks.ts';
export { type BackendHealth, tapBackendHealth } from './backend-health.ts';
export { createKeylogSession, type KeylogSession } from './keylog-session.ts';
export { type MetricsService, metricsService } from './metrics-routes.ts';
export { readinessChecks } from './readiness.ts';
export { createAdminSources, type SourceDeps } from './sources.ts';
export { type AdminListener, startAdminListener } from './start.ts';
export { createWorkerAdmin, type WorkerAdmin } from './worker-view.ts';
