// A reload's outcome, as the primary knows it once the new generation listens (or was refused):
// what SIGHUP, `POST /api/v1/reload` and `tlsterm reload` all report.

export type ReloadOutcome =
  | { readonly ok: true; readonly generation: number }
  | {
      readonly ok: false;
      /** The generation still serving. */
      readonly generation: number;
      /** config: the new config does not check; workers: the new workers did not start. */
      readonly reason: 'config' | 'workers';
      readonly detail: string;
    };
