// What a checked `routes:` list becomes (config/routes-check.ts builds it; routes/table.ts runs it).

import type { PoolTimeouts } from '../pools/plan.ts';
import type { MatchPlan } from './match.ts';

export interface PathRewrite {
  /** The prefix replaced… */
  readonly from: string;
  /** …by this ('' for strip_prefix). */
  readonly to: string;
}

export type RouteAction =
  | {
      readonly kind: 'proxy';
      /** A `pools:` name, or the route's config path for an inline `upstream:`. */
      readonly pool: string;
      readonly rewrite?: PathRewrite;
      /** Host sent to the app instead of the client's. */
      readonly host?: string;
      /** Per-route timeouts over the pool's. */
      readonly timeouts?: Partial<PoolTimeouts>;
    }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | {
      readonly kind: 'respond';
      readonly status: number;
      readonly body: string;
      readonly contentType: string;
    }
  | { readonly kind: 'handler'; readonly name: 'inspect' };

export interface RoutePlan {
  /** Its config path (listeners[0].sites[0].routes[2]), for logs. */
  readonly id: string;
  readonly match: MatchPlan;
  readonly action: RouteAction;
}
