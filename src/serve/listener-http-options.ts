// The HTTP options a listener's timeouts and limits make, built once per listener plan (not per
// connection: the HTTP layer only reads them).

import type { ListenerPlan } from '../config/plan.ts';
import { type HttpOptions, httpOptionsOf } from '../http/index.ts';

const made = new WeakMap<ListenerPlan, Readonly<HttpOptions>>();

export function listenerHttpOptions(listener: ListenerPlan): Readonly<HttpOptions> {
  let o = made.get(listener);
  if (o === undefined) {
    o = Object.freeze(httpOptionsOf(listener.timeouts, listener.limits));
    made.set(listener, o);
  }
  return o;
}
