// A config as the primary loads it (at start and for each reload), and a reload's outcome as the
// primary knows it once the new generation listens (or was refused): what SIGHUP,
// `POST /api/v1/reload` and `tlsterm reload` all report.

import type { Plan } from '../../config/plan.ts';

/** A config read and checked, or why it is refused. */
export type PlanLoad =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly why: string };

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
