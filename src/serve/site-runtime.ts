// Everything a site needs per connection, built once at start: its tls.Server (one per site, so
// each site's policy, certificates and ALPN are OpenSSL's own settings, not an SNI-time patch) and
// its HTTP runtime (upstream pool or local handler).

import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { ListenerPlan, SitePlan } from '../config/plan.ts';
import { createUpstreamPool, type HttpSiteRuntime } from '../http/index.ts';
import { secureContextOptions } from '../tls/index.ts';
import { inspectHandler } from './inspect.ts';

export interface SiteRuntime {
  readonly plan: SitePlan;
  readonly tlsServer: tls.Server;
  readonly http: HttpSiteRuntime;
  /** Key types of the site's certificates, for naming the signature algorithm used. */
  readonly keyTypes: readonly string[];
}

export function createSiteRuntime(listener: ListenerPlan, site: SitePlan): SiteRuntime {
  const tlsServer = tls.createServer({
    ...secureContextOptions(site.policy),
    cert: site.certificates.map((c) => c.certPem),
    key: site.certificates.map((c) => c.keyPem),
    ALPNProtocols: [...site.alpn],
    // Explicit: Node's default hashes argv, which breaks resumption across processes.
    sessionIdContext: createHash('sha256').update(`${listener.name}/${site.id}`).digest('hex').slice(0, 32),
    handshakeTimeout: listener.handshakeTimeoutMs,
  });
  const http: HttpSiteRuntime = site.upstream
    ? {
        upstream: site.upstream,
        pool: createUpstreamPool({
          url: site.upstream.url,
          connectTimeoutMs: site.upstream.connectTimeoutMs,
          responseTimeoutMs: site.upstream.responseTimeoutMs,
        }),
      }
    : { handler: inspectHandler };
  return { plan: site, tlsServer, http, keyTypes: site.certificates.map((c) => c.keyType) };
}
