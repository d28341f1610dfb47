// tlsterm_acme_orders from the primary's own log: the ACME manager already logs each order's
// start, issuance and failure once, so a tap on the logger keeps the state without a second
// channel out of certs/acme. One series per site, for the state it is in now.

import type { LogEvent, Logger } from '../logger.ts';
import type { ProcessMetrics } from './registry.ts';

// A Map: every log line passes here (two per connection), and a miss on an object literal's keys
// walks its prototype chain.
const STATE_OF: ReadonlyMap<string, string> = new Map([
  ['certificate_order_started', 'pending'],
  ['certificate_issued', 'valid'],
  ['certificate_renewal_failed', 'failed'],
  ['certificate_renewal_scheduled', 'valid'],
]);

export function tapAcmeOrders(log: Logger, metrics: ProcessMetrics): Logger {
  const states = new Map<string, string>();
  metrics.addCollector((emit) => {
    for (const [site, state] of states) emit('acmeOrders', { site, state }, 1);
  });
  const watch = (e: LogEvent): void => {
    const state = STATE_OF.get(e.event);
    if (state !== undefined && typeof e.name === 'string') states.set(e.name, state);
  };
  return (event, raw) => {
    watch(event);
    log(event, raw);
  };
}
