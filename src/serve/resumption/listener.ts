// A listener's resumption state as the accept path sees it: the ticket-key ring its sites' TLS
// servers follow, the session-id cache they share, the settings, and the counters behind the
// per-minute summary. Where the ring and the store come from (this process, Redis, or the cluster
// primary) is the provider's business.

import type { ListenerPlan, Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import {
  createSessionCache,
  openResumptionState,
  type ResumptionSettings,
  type ResumptionState,
  type SessionCache,
  type TicketKeyRing,
} from '../../state/index.ts';
import { createResumptionStats, type ResumptionStats } from './stats.ts';

export interface ListenerResumption {
  readonly settings: ResumptionSettings;
  /** Undefined when tickets are off. */
  readonly ring: TicketKeyRing | undefined;
  /** Undefined when the session cache is off. */
  readonly cache: SessionCache | undefined;
  readonly stats: ResumptionStats;
}

/** Opens the state behind one listener's resumption (memory, Redis, or the primary's over IPC). */
export type ResumptionProvider = (listener: ListenerPlan, plan: Plan) => Promise<ResumptionState>;

/** Redis keys are per listener: two listeners may rotate on different schedules. */
export const listenerPrefix = (plan: Plan, listener: ListenerPlan): string =>
  `${plan.state.backend === 'redis' ? (plan.state.prefix ?? 'tlsterm:') : 'tlsterm:'}${listener.name}:`;

/** The single-process provider: this process holds (or reaches Redis for) its own state. */
export const localResumption =
  (log: Logger): ResumptionProvider =>
  (listener, plan) =>
    openResumptionState({
      resumption: listener.resumption,
      state:
        plan.state.backend === 'redis'
          ? { ...plan.state, prefix: listenerPrefix(plan, listener) }
          : plan.state,
      log: (event) => log({ ...event, listener: listener.name }),
    });

export function listenerResumption(listener: ListenerPlan, state: ResumptionState): ListenerResumption {
  return {
    settings: listener.resumption,
    ring: state.ring,
    cache: state.sessions === undefined ? undefined : createSessionCache(state.sessions),
    stats: createResumptionStats(),
  };
}
