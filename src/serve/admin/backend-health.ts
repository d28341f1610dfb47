// Whether the state backend answers, as the primary's own log says it (state/redis-connection.ts
// logs `state_backend_down` / `state_backend_up` once per change): a tap on the logger, so the
// state module keeps the one place that decides it.

import type { LogEvent, Logger } from '../../observe/index.ts';

export interface BackendHealth {
  /** Down backends by URL (redacted, as logged): since when and why. */
  down(): readonly { readonly url: string; readonly since: string; readonly error: string }[];
}

export function tapBackendHealth(log: Logger): { log: Logger; health: BackendHealth } {
  const down = new Map<string, { since: string; error: string }>();
  const watch = (e: LogEvent): void => {
    if (e.event === 'state_backend_down') {
      const url = String(e.url ?? e.backend ?? 'state');
      if (!down.has(url)) down.set(url, { since: new Date().toISOString(), error: String(e.error ?? '') });
    } else if (e.event === 'state_backend_up') down.delete(String(e.url ?? e.backend ?? 'state'));
  };
  return {
    log: (event, raw) => {
      watch(event);
      log(event, raw);
    },
    health: { down: () => [...down].map(([url, d]) => ({ url, ...d })) },
  };
}
