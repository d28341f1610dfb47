// Everything a site needs per connection, built once at start: its tls.Server (one per site, so
// each site's policy, certificates, ALPN and client-certificate settings are OpenSSL's own
// settings, not an SNI-time patch) and what it forwards to: an HTTP runtime (upstream pool or
// local handler) or a TCP upstream. Passthrough sites have no tls.Server at all.

import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { ListenerPlan, SitePlan, TcpUpstream } from '../config/plan.ts';
import { createUpstreamPool, type HttpSiteRuntime } from '../http/index.ts';
import { secureContextOptions } from '../tls/index.ts';
import { inspectHandler } from './inspect.ts';

export interface SiteRuntime {
  readonly plan: SitePlan;
  /** null for passthrough sites. */
  readonly tlsServer: tls.Server | null;
  /** Set when decrypted traffic is HTTP (upstream http(s):// or a handler). */
  readonly http: HttpSiteRuntime | null;
  /** Set for tcp:// upstreams (TLS-to-TCP, and passthrough). */
  readonly tcp: TcpUpstream | null;
  /** Key types of the site's certificates, for naming the signature algorithm used. */
  readonly keyTypes: readonly string[];
}

export function createSiteRuntime(listener: ListenerPlan, site: SitePlan): SiteRuntime {
  const upstream = site.upstream;
  const tcp = upstream?.kind === 'tcp' ? upstream : null;
  let http: HttpSiteRuntime | null = null;
  if (upstream?.kind === 'http') {
    http = {
      upstream,
      pool: createUpstreamPool(upstream),
    };
  } else if (upstream === undefined) http = { handler: inspectHandler };
  const auth = site.clientAuth;
  const tlsServer =
    site.mode === 'passthrough'
      ? null
      : tls.createServer({
          ...secureContextOptions(site.policy),
          cert: site.certificates.map((c) => c.certPem),
          key: site.certificates.map((c) => c.keyPem),
          ALPNProtocols: [...site.alpn],
          // Explicit: Node's default hashes argv, which breaks resumption across processes.
          sessionIdContext: createHash('sha256')
            .update(`${listener.name}/${site.id}`)
            .digest('hex')
            .slice(0, 32),
          handshakeTimeout: listener.handshakeTimeoutMs,
          // TLS-to-TCP passes a half-close through; HTTP closes on the client's end.
          allowHalfOpen: tcp !== null,
          ...(auth
            ? { requestCert: true, rejectUnauthorized: auth.mode === 'required', ca: [...auth.caPems] }
            : {}),
        });
  return { plan: site, tlsServer, http, tcp, keyTypes: site.certificates.map((c) => c.keyType) };
}
