// The HTTP options a listener's timeouts and limits make, built once per listener plan (not per
// connection: the HTTP layer only reads them), plus the instance-wide `log.request_id_header`.

import type { ListenerPlan } from '../config/plan.ts';
import { type HttpOptions, httpOptionsOf } from '../http/index.ts';

const made = new WeakMap<ListenerPlan, Readonly<HttpOptions>>();

/** Called by the server before the listener accepts: the request id header of this plan's `log:`. */
export function setListenerRequestIdHeader(listener: ListenerPlan, header: string | false): void {
  made.set(
    listener,
    Object.freeze({ ...httpOptionsOf(listener.timeouts, listener.limits), requestIdHeader: header }),
  );
}

export function listenerHttpOptions(listener: ListenerPlan): Readonly<HttpOptions> {
  let o = made.get(listener);
  if (o === undefined) {
    o = Object.freeze(httpOptionsOf(listener.timeouts, listener.limits));
    made.set(listener, o);
  }
  return o;
}
