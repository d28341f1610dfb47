// The admin listener's data, from the running instance (the primary's view and the workers' over IPC).
export { type BackendHealth, tapBackendHealth } from './backend-health.ts';
export { type MetricsService, metricsService } from './metrics-routes.ts';
export { readinessChecks } from './readiness.ts';
export { createAdminSources, type SourceDeps } from './sources.ts';
export { type AdminListener, startAdminListener } from './start.ts';
