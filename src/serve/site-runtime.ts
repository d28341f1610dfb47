// Everything a site needs per connection, built once at start: its tls.Server (one per site, so
// each site's policy, certificates, ALPN and client-certificate settings are OpenSSL's own
// settings, not an SNI-time patch) and what it forwards to: an HTTP runtime (upstream pool or
// local handler) or a TCP upstream. Passthrough sites have no tls.Server at all.

import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { CertificatePair, ListenerPlan, SitePlan, TcpUpstream } from '../config/plan.ts';
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
  /** The pairs in service (replaced on hot reload), in config order. */
  pairs: readonly CertificatePair[];
  /** Key types of the pairs in service, for naming the signature algorithm used. */
  keyTypes: readonly string[];
  readonly sessionIdContext: string;
}

/** The SecureContext options of a site: policy, certificates, client CA, session id context. */
export function siteContextOptions(
  site: SitePlan,
  pairs: readonly CertificatePair[],
  sessionIdContext: string,
): tls.SecureContextOptions {
  return {
    ...secureContextOptions(site.policy),
    cert: pairs.map((c) => c.certPem),
    key: pairs.map((c) => c.keyPem),
    // Explicit: Node's default hashes argv, which breaks resumption across processes.
    sessionIdContext,
    ...(site.clientAuth ? { ca: [...site.clientAuth.caPems] } : {}),
  };
}

/**
 * Swap in new certificate pairs for new handshakes; open connections keep theirs. The ticket keys
 * are carried over, so tickets issued before the swap still resume.
 */
export function replaceSitePairs(site: SiteRuntime, pairs: readonly CertificatePair[]): void {
  if (site.tlsServer === null) return;
  const ticketKeys = site.tlsServer.getTicketKeys();
  site.tlsServer.setSecureContext(siteContextOptions(site.plan, pairs, site.sessionIdContext));
  site.tlsServer.setTicketKeys(ticketKeys);
  site.pairs = pairs;
  site.keyTypes = pairs.map((c) => c.keyType);
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
  const sessionIdContext = createHash('sha256')
    .update(`${listener.name}/${site.id}`)
    .digest('hex')
    .slice(0, 32);
  const tlsServer =
    site.mode === 'passthrough'
      ? null
      : tls.createServer({
          ...siteContextOptions(site, site.certificates, sessionIdContext),
          ALPNProtocols: [...site.alpn],
          handshakeTimeout: listener.handshakeTimeoutMs,
          // TLS-to-TCP passes a half-close through; HTTP closes on the client's end.
          allowHalfOpen: tcp !== null,
          ...(auth ? { requestCert: true, rejectUnauthorized: auth.mode === 'required' } : {}),
        });
  return {
    plan: site,
    tlsServer,
    http,
    tcp,
    pairs: site.certificates,
    keyTypes: site.certificates.map((c) => c.keyType),
    sessionIdContext,
  };
}
