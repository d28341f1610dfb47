// /metrics, /api/v1/summary and the status page (/) on the admin listener. The primary scrapes
// its workers once a minute to mark the per-minute history the summary's buckets are cut from
// (the last hour), and on every request for the figures now.

import {
  type AdminRoute,
  certificatesOf,
  connectionsOf,
  digest,
  MinuteHistory,
  processMetrics,
  STATUS_PAGE_CSP,
  STATUS_PAGE_HTML,
  type Summary,
} from '../../observe/index.ts';
import type { Supervisor } from '../cluster/index.ts';
import type { BackendHealth } from './backend-health.ts';

/** How long a scrape waits for each worker; a slower one is reported silent. */
const WORKER_WAIT_MS = 1000;
const MINUTE_MS = 60_000;
const WINDOW_MINUTES = 60;

export interface MetricsService {
  readonly routes: readonly AdminRoute[];
  stop(): void;
}

export function metricsService(
  supervisor: Supervisor,
  backend: BackendHealth,
  options: {
    readonly minuteMs?: number;
    /** Whether a key log ordered through the admin API is on (tlsterm_keylog_active). */
    readonly keylogOn?: () => boolean;
  } = {},
): MetricsService {
  // The state backend as the primary's log says it (redis-connection.ts logs each change).
  const stopBackendGauge = processMetrics.addCollector((emit) => {
    const state = supervisor.plan.state;
    emit(
      'stateBackendUp',
      { backend: state.backend },
      state.backend === 'memory' || backend.down().length === 0 ? 1 : 0,
    );
    // Folded by max with the workers' (a config key log): on when either is.
    emit('keylogActive', {}, options.keylogOn?.() === true ? 1 : 0);
  });
  const history = new MinuteHistory(WINDOW_MINUTES);
  const scrape = () => supervisor.metrics(WORKER_WAIT_MS);
  const mark = () =>
    scrape().then(
      (m) => history.mark(Date.now(), digest(m.json)),
      () => {},
    );
  void mark();
  const timer = setInterval(mark, options.minuteMs ?? MINUTE_MS);
  timer.unref();

  const summary = async (): Promise<Summary> => {
    const m = await scrape();
    const now = digest(m.json);
    const view = supervisor.view();
    return {
      generated_at: new Date().toISOString(),
      window_minutes: WINDOW_MINUTES,
      totals: history.window(now),
      minutes: history.buckets(now, Date.now()),
      certificates: certificatesOf(m.json),
      connections_open: connectionsOf(m.json),
      workers: {
        answered: m.answered,
        silent: m.silent,
        list: view.workers.map((w) => {
          const connections = m.connectionsByWorker.get(w.pid);
          return connections === undefined ? w : { ...w, connections };
        }),
      },
    };
  };

  const routes: AdminRoute[] = [
    {
      method: 'GET',
      path: '/metrics',
      handler: async () => {
        const m = await scrape();
        return { status: 200, contentType: m.contentType, body: m.text };
      },
    },
    { method: 'GET', path: '/api/v1/summary', handler: async () => ({ status: 200, body: await summary() }) },
    {
      // The page holds no data (it fetches the summary with the token from its #fragment): public.
      method: 'GET',
      path: '/',
      public: true,
      handler: async () => ({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: STATUS_PAGE_HTML,
        headers: {
          'content-security-policy': STATUS_PAGE_CSP,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        },
      }),
    },
  ];
  return {
    routes,
    stop() {
      clearInterval(timer);
      stopBackendGauge();
    },
  };
}
