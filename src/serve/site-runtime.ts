// Everything a site needs per connection, built once at start: its TLS servers (one per live
// ticket key, see src/state/ticket-servers.ts; each site has its own, so its policy, certificates,
// ALPN and client-certificate settings are OpenSSL's own settings, not an SNI-time patch) and what
// it forwards to: an HTTP runtime (upstream pool or local handler) or a TCP upstream. Passthrough
// sites have no TLS server at all.

import { constants, createHash } from 'node:crypto';
import tls from 'node:tls';
import type { CertificatePair } from '../certs/pair.ts';
import type { ListenerPlan, SitePlan, TcpUpstream } from '../config/plan.ts';
import {
  buildRouteTable,
  createUpstreamPool,
  type HttpSiteRuntime,
  type LocalHandler,
  noRouteHandler,
  RateLimiter,
  type RoutedSite,
  registerLimiter,
  type ServerPool,
  type SiteFilters,
} from '../http/index.ts';
import { processMetrics } from '../observe/index.ts';
import { createTicketServers, type TicketServers } from '../state/index.ts';
import { secureContextOptions } from '../tls/index.ts';
import type { ClientHello } from '../wire/index.ts';
import type { InspectSite } from './inspect/index.ts';
import type { ListenerResumption } from './resumption/index.ts';
import { offersTls13 } from './resumption/index.ts';

/** The TLS servers of a site made alike: one, or one per live ticket key. */
type ServerSet = Pick<TicketServers, 'serverFor' | 'servers' | 'setSecureContext' | 'close'>;

const singleServer = (server: tls.Server): ServerSet => ({
  serverFor: () => server,
  servers: () => [server],
  setSecureContext: (options) => server.setSecureContext(options),
  close: () => {},
});

export interface SiteRuntime {
  readonly plan: SitePlan;
  /** The TLS server for this ClientHello (the one holding its ticket's key); null for passthrough. */
  serverFor(hello: ClientHello): tls.Server | null;
  /** Every TLS server alive now (none for passthrough). */
  servers(): tls.Server[];
  /** Set when decrypted traffic is HTTP (upstream http(s):// or a handler). */
  readonly http: HttpSiteRuntime | null;
  /** Set for tcp:// upstreams (TLS-to-TCP, and passthrough). */
  readonly tcp: TcpUpstream | null;
  /** It serves the inspect page: its connections record their own handshake (serve/inspect/). */
  readonly recordsOwn: boolean;
  /** The pairs in service (replaced on hot reload), in config order. */
  pairs: readonly CertificatePair[];
  /** Key types of the pairs in service, for naming the signature algorithm used. */
  keyTypes: readonly string[];
  readonly sessionIdContext: string;
  /** Swap the SecureContext of every server (certificates changed); ticket keys are kept. */
  setContext(options: tls.SecureContextOptions): void;
  /** Stop following the ticket-key ring. */
  close(): void;
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
  site.setContext(siteContextOptions(site.plan, pairs, site.sessionIdContext));
  site.pairs = pairs;
  site.keyTypes = pairs.map((c) => c.keyType);
}

/**
 * The same on every process and host that serves this site, so a session made by one resumes on
 * another (OpenSSL refuses a session whose context differs).
 */
export const sessionIdContextOf = (listener: ListenerPlan, site: SitePlan): string =>
  createHash('sha256').update(`${listener.name}/${site.id}`).digest('hex').slice(0, 32);

/** The site answers with the inspect page: as its handler, or by one of its routes. */
export const servesInspect = (site: SitePlan): boolean =>
  site.mode !== 'passthrough' &&
  ((site.upstream === undefined && (site.handler !== undefined || site.routes === undefined)) ||
    (site.routes?.some((r) => r.action.kind === 'handler') ?? false));

/** The site's rate-limit buckets, one set per serving process (kept in step across workers). */
const withLimiter = (id: string, f: SiteFilters): SiteFilters => {
  if (f.rateLimit === null) return f;
  const limiter = new RateLimiter(id, f.rateLimit);
  registerLimiter(limiter);
  return { ...f, limiter };
};

export function createSiteRuntime(
  listener: ListenerPlan,
  site: SitePlan,
  resumption: ListenerResumption,
  /** Attach the connection handlers to each TLS server made for this site. */
  wire: (server: tls.Server, site: SiteRuntime) => void,
  /** The process's pools by name (routes proxy to them). */
  pools: ReadonlyMap<string, ServerPool> = new Map(),
  /** Makes the inspect page's handler; loaded (with trace) only when some site serves it. */
  inspect?: (site: InspectSite) => LocalHandler,
): SiteRuntime {
  const upstream = site.upstream;
  const tcp = upstream?.kind === 'tcp' ? upstream : null;
  let http: HttpSiteRuntime | null = null;
  const upgrade = site.upgrade !== undefined ? { upgrade: site.upgrade } : {};
  const filters = site.filters !== undefined ? { filters: withLimiter(site.id, site.filters) } : {};
  // The inspect page (the site's handler, or a route's): made once, on first use.
  let inspectHandler: LocalHandler | undefined;
  const inspectFor = (): LocalHandler => {
    inspectHandler ??=
      inspect?.({ policy: site.policy, pairs: () => runtime.pairs }) ??
      (() => ({ status: 503, headers: [], body: 'inspect is not loaded in this process\n' }));
    return inspectHandler;
  };
  if (upstream?.kind === 'http')
    http = {
      upstream,
      pool: createUpstreamPool(upstream),
      ...upgrade,
      metrics: processMetrics.siteRequests(site.id, upstream.url.origin),
      ...filters,
    };
  else if (upstream === undefined)
    http =
      site.handler !== undefined || site.routes === undefined
        ? { handler: inspectFor(), metrics: processMetrics.siteRequests(site.id, 'local'), ...filters }
        : { metrics: processMetrics.siteRequests(site.id, 'local'), ...filters };
  if (http !== null && site.routes !== undefined) {
    // Routes first; what none matches goes to the site's upstream or handler, else 404.
    const fallback = http.upstream === undefined && http.handler === undefined ? noRouteHandler : null;
    const routed: HttpSiteRuntime & RoutedSite = {
      ...http,
      routes: buildRouteTable(site.routes, pools, { inspect: inspectFor() }, fallback),
    };
    http = routed;
  }
  const auth = site.clientAuth;
  const sessionIdContext = sessionIdContextOf(listener, site);
  const { settings, ring, cache } = resumption;
  // Context-level settings that a certificate swap must keep.
  // No client-initiated TLS 1.2 renegotiation (as nginx): OpenSSL answers no_renegotiation, which
  // ends the connection; context-wide, so no per-connection cost.
  const extras: tls.SecureContextOptions = {
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION | (ring === undefined ? constants.SSL_OP_NO_TICKET : 0),
  };
  let context: tls.SecureContextOptions = {
    ...siteContextOptions(site, site.certificates, sessionIdContext),
    ...extras,
  };

  // Declared before the servers exist: making one calls `wire` with the runtime.
  const create = (withCache: boolean) => (): tls.Server => {
    const server = tls.createServer({
      ...context,
      ALPNProtocols: [...site.alpn],
      handshakeTimeout: listener.handshakeTimeoutMs,
      // Seconds: the session cache entry's life and the ticket lifetime hint.
      sessionTimeout: Math.max(1, Math.round(settings.sessionCache.timeoutMs / 1000)),
      // TLS-to-TCP passes a half-close through; HTTP closes on the client's end.
      allowHalfOpen: tcp !== null,
      ...(auth ? { requestCert: true, rejectUnauthorized: auth.mode === 'required' } : {}),
    });
    // Without these listeners Node keeps no session-id cache at all (measured): "cache: false".
    if (withCache) cache?.attach(server);
    wire(server, runtime);
    return server;
  };
  const serverSet = (withCache: boolean): ServerSet =>
    ring === undefined
      ? singleServer(create(withCache)())
      : createTicketServers({ ring, create: create(withCache) });

  // Only a TLS 1.2 client without tickets (or a listener without them) resumes by session id. With
  // session-cache listeners on a server, Node parses every ClientHello again in C++, calls into JS
  // to look its session id up and serialises each new session for 'newSession'; and a connection
  // handed over by our accept path holds ~13 KiB more while idle (28–31 against 44 KiB, measured
  // with a bare peeking server). All of that is waste for the other hellos, which our accept path
  // can tell apart: they go to servers without the listeners.
  let plain: ServerSet | null = null;
  let cached: ServerSet | null = null;
  // Every set made (none for passthrough): what a certificate swap and close go through.
  const sets: ServerSet[] = [];
  const policy = site.policy;
  const needsCache = (hello: ClientHello): boolean =>
    !offersTls13(hello, policy) && (ring === undefined || hello.sessionTicket === undefined);
  const runtime: SiteRuntime = {
    plan: site,
    serverFor: (hello) => (cached !== null && needsCache(hello) ? cached : plain)?.serverFor(hello) ?? null,
    servers: () => sets.flatMap((set) => set.servers()),
    http,
    tcp,
    recordsOwn: servesInspect(site),
    pairs: site.certificates,
    keyTypes: site.certificates.map((c) => c.keyType),
    sessionIdContext,
    setContext(options) {
      context = { ...options, ...extras };
      for (const set of sets) set.setSecureContext(context);
    },
    // After the drain: the idle upstream connections go too (they would hold the process, or a
    // retired site's memory, until their idle timeout).
    close: () => {
      for (const set of sets) set.close();
      http?.pool?.close();
    },
  };
  if (site.mode !== 'passthrough') {
    plain = serverSet(false);
    sets.push(plain);
    if (cache !== undefined) {
      cached = serverSet(true);
      sets.push(cached);
    }
  }

  return runtime;
}
