// The primary's reload as one function returning its outcome: what SIGHUP (and so `tlsterm reload`)
// and `POST /api/v1/reload` run. A request that comes during a reload queues one more reload after
// it (several share it): that one reads the config as it is after the request, which the running
// one may not have.

import type { ReloadOutcome } from './reload.ts';

export type { ReloadOutcome } from './reload.ts';

export function serialReload(once: () => Promise<ReloadOutcome>): () => Promise<ReloadOutcome> {
  let running: Promise<ReloadOutcome> | undefined;
  let queued: Promise<ReloadOutcome> | undefined;
  const reloadInstance = (): Promise<ReloadOutcome> => {
    if (running === undefined) {
      running = once().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running.then(
      () => next(),
      () => next(),
    );
    return queued;
  };
  const next = (): Promise<ReloadOutcome> => {
    queued = undefined;
    return reloadInstance();
  };
  return reloadInstance;
}
