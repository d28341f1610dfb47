// The HTTP layer's SiteResolver for one TLS connection: the host routing decision (host-routing.ts)
// over the listener's site runtimes, with the certificate the connection was made with.

import type { HttpSiteRuntime, Misdirected, SiteResolver } from '../http/index.ts';
import { decideHost, type HostRouting, requestHostName } from './host-routing.ts';
import type { SiteRuntime } from './site-runtime.ts';

export function siteResolver(
  routing: HostRouting<SiteRuntime>,
  own: SiteRuntime,
  http: HttpSiteRuntime,
): SiteResolver {
  // The pairs in service at the handshake: a later certificate reload does not change this connection's.
  const pairs = own.pairs;
  return {
    own: http,
    resolve(host: string): HttpSiteRuntime | Misdirected {
      const d = decideHost(routing, own, pairs, requestHostName(host));
      if ('misdirected' in d) return d;
      if (d.site === own) return http;
      // Coalescable sites serve HTTP (host-routing.ts), so this holds; kept total all the same.
      return d.site.http ?? { misdirected: `${d.site.plan.id} does not serve HTTP` };
    },
  };
}
