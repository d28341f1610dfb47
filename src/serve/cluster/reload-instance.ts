// The primary's reload as one function returning its outcome: what SIGHUP (and so `tlsterm reload`)
// runs, and what an admin API can await. A request that comes during a reload queues one more
// reload after it (several share it): that one reads the config as it is after the request, which
// the running one may not have.

export type ReloadOutcome =
  | { readonly ok: true; readonly generation: number }
  | { readonly ok: false; readonly reason: string; readonly detail: string; readonly generation: number };

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
