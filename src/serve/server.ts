// Starts every listener of a plan. One net.Server per address; sites are routed by SNI.

import net from 'node:net';
import type tls from 'node:tls';
import type { OcspStaples } from '../certs/ocsp/index.ts';
import type { ListenerPlan, Plan } from '../config/plan.ts';
import { createServerPools, type HealthLink, localHealthLink } from '../http/index.ts';
import {
  DEFAULT_LOG_SETTINGS,
  KEYLOG_DEFAULT_MAX_BYTES,
  type Logger,
  openKeyLogWriter,
} from '../observe/index.ts';
import type { ResumptionState } from '../state/index.ts';
import { type AcmeResponders, openAcmeResponders } from './acme/responders.ts';
import { hasAcmeSites } from './acme/sites.ts';
import type { WorkerAdmin } from './admin/worker-view.ts';
import { listenError } from './bind-error.ts';
import { watchSiteCertificates } from './certificate-reload.ts';
import { acceptConnection, wireTlsServer } from './connection.ts';
import { createConnectionLimiter } from './connection-limits.ts';
import { type ConnectionTracker, createConnectionTracker } from './connection-tracker.ts';
import { buildHostRouting } from './host-routing.ts';
import { createHttpListener, type Http01Lookup } from './http-listener.ts';
import { setListenerRequestIdHeader } from './listener-http-options.ts';
import { type Bound, type Listen, listenDirect } from './listener-pool.ts';
import { watchServerGauges } from './metrics.ts';
import { attachStapling, siteStaples } from './ocsp/index.ts';
import { createProxyIn } from './proxy-in/index.ts';
import type { ResumptionCounts } from './resumption/index.ts';
import {
  type ListenerResumption,
  listenerResumption,
  localResumption,
  type ResumptionProvider,
} from './resumption/index.ts';
import { createSiteRuntime, type SiteRuntime, servesInspect } from './site-runtime.ts';

export interface RunningServer {
  readonly addresses: readonly {
    readonly listener: string;
    readonly scheme: 'https' | 'http';
    readonly address: string;
    readonly port: number;
  }[];
  /**
   * Stop accepting, let open connections finish within `deadlineMs`, then release state. Resolves
   * with the number of connections cut at the deadline.
   */
  drain(deadlineMs: number): Promise<number>;
  /** Handshakes per listener since the last call (full / resumed by ticket / by session id). */
  takeResumptionCounts(): Map<string, ResumptionCounts>;
  close(): Promise<void>;
}

async function startListener(
  listener: ListenerPlan,
  sites: readonly SiteRuntime[],
  log: Logger,
  resumption: ListenerResumption,
  tracker: ConnectionTracker,
  listen: Listen,
  acmeTls?: tls.Server,
): Promise<Bound[]> {
  // Built once per listener: SNI routing, then per request the Host rule (host-routing.ts).
  const routing = buildHostRouting(sites, listener.strictSni);
  const limiter = createConnectionLimiter(listener, log);
  const proxyIn =
    listener.proxyProtocol === undefined ? undefined : createProxyIn(listener, listener.proxyProtocol, log);
  const hosts = listener.host === 'localhost' ? ['127.0.0.1', '::1'] : [listener.host];
  const bounds: Bound[] = [];
  for (const host of hosts) {
    const server = net.createServer({ noDelay: true }, (raw) => {
      if (proxyIn === undefined) {
        if (limiter.admit(raw)) acceptConnection(raw, listener, routing, log, resumption, tracker, acmeTls);
        return;
      }
      // Behind a balancer: the per-client limit counts the client its PROXY header names.
      if (limiter.admitSocket(raw))
        proxyIn.accept(raw, (header) => {
          const client = header.source?.address ?? raw.remoteAddress ?? '';
          if (limiter.admitClient(raw, client))
            acceptConnection(raw, listener, routing, log, resumption, tracker, acmeTls);
        });
    });
    try {
      bounds.push(
        await listen(server, host, bounds[0]?.address().port ?? listener.port, {
          reusePort: listener.reusePort === true,
        }),
      );
    } catch (error) {
      // "localhost" on a machine without IPv6: serving on 127.0.0.1 alone is fine.
      if (bounds.length > 0 && host === '::1') continue;
      await Promise.all(bounds.map((b) => b.close()));
      throw listenError(host, listener.port, error);
    }
  }
  return bounds;
}

export interface ServerOptions {
  /** ACME HTTP-01 answers for the plain-HTTP listeners. */
  readonly http01?: Http01Lookup;
  /** Certificate files are also compared every so often (fs.watch can miss events); default 30 s. */
  readonly reloadPollMs?: number;
  /** Where each listener's session cache and ticket keys come from; default: this process (or Redis). */
  readonly resumption?: ResumptionProvider;
  /**
   * ACME challenge answers: HTTP-01 on the http: listeners (wins over `http01`), TLS-ALPN-01 in the
   * accept path. Default, when the plan has ACME sites: read from the plan's shared challenge store.
   */
  readonly acme?: AcmeResponders;
  /** A cluster worker's admin side: hooks each TLS server, then reads what this server holds. */
  readonly admin?: WorkerAdmin;
  /** OCSP responses to staple (filled by the process that fetches); absent: no stapling. */
  readonly ocsp?: OcspStaples;
  /** How pools hear health decisions (the cluster primary's); default: decided in this process. */
  readonly health?: HealthLink;
  /** Where listening sockets come from (single_process: the process's listener pool); default: bind. */
  readonly listen?: Listen;
}

export async function startServer(
  plan: Plan,
  log: Logger,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const all: { listener: string; scheme: 'https' | 'http'; bound: Bound }[] = [];
  const listen = options.listen ?? listenDirect;
  const allSites: SiteRuntime[] = [];
  const states: ResumptionState[] = [];
  const resumptions = new Map<string, ListenerResumption>();
  const provider = options.resumption ?? localResumption(log);
  const tracker = createConnectionTracker();
  // The plain-HTTP listeners' connections: not in the admin API's list, but bounded by the same
  // drain deadline (a request in flight whose client stops sending would otherwise hold the drain,
  // and a single process, forever: http.Server's own timeout checks stop when it closes).
  const plainTracker = createConnectionTracker();
  const ownAcme =
    options.acme === undefined && hasAcmeSites(plan) ? await openAcmeResponders(plan, log) : undefined;
  const acme = options.acme ?? ownAcme?.responders;
  // keylog: every terminated connection's secrets (opt-in, loud; see observe/keylog-writer.ts).
  const keylog =
    plan.keylogFile === undefined
      ? undefined
      : openKeyLogWriter(
          { file: plan.keylogFile, maxBytes: plan.keylogMaxBytes ?? KEYLOG_DEFAULT_MAX_BYTES },
          log,
        );
  // The inspect page brings the trace module: loaded only when a site serves it.
  const inspect = plan.listeners.some((l) => l.sites.some(servesInspect))
    ? (await import('./inspect/handler.ts')).makeInspectHandler
    : undefined;
  const admin = options.admin;
  const wireTls =
    keylog === undefined && admin === undefined
      ? wireTlsServer
      : (server: tls.Server, site: SiteRuntime) => {
          wireTlsServer(server, site);
          if (keylog !== undefined) server.on('keylog', keylog.write);
          admin?.wire(server, site);
        };
  const staples = options.ocsp;
  const stapled = new Map<SiteRuntime['plan'], boolean>();
  const wire = (server: tls.Server, site: SiteRuntime) => {
    wireTls(server, site);
    if (staples === undefined) return;
    const on = stapled.get(site.plan) ?? siteStaples(site.plan);
    stapled.set(site.plan, on);
    if (on) attachStapling(server, staples);
  };
  // Pools (routes:): health is decided once per instance — by the primary, or here without one.
  const planPools = plan.pools ?? [];
  const ownHealth =
    planPools.length > 0 && options.health === undefined ? localHealthLink(planPools, log) : undefined;
  const pools = createServerPools(planPools, options.health ?? ownHealth?.link ?? null);
  const release = async () => {
    ownHealth?.stop();
    for (const p of pools.values()) p.close();
    keylog?.close();
    for (const site of allSites) site.close();
    await Promise.all(states.map((s) => s.close()));
    await ownAcme?.close();
  };
  try {
    for (const listener of plan.listeners) {
      setListenerRequestIdHeader(listener, plan.log?.requestIdHeader ?? DEFAULT_LOG_SETTINGS.requestIdHeader);
      const state = await provider(listener, plan);
      states.push(state);
      const resumption = listenerResumption(listener, state);
      resumptions.set(listener.name, resumption);
      const sites = listener.sites.map((site) =>
        createSiteRuntime(listener, site, resumption, wire, pools, inspect),
      );
      allSites.push(...sites);
      for (const bound of await startListener(
        listener,
        sites,
        log,
        resumption,
        tracker,
        listen,
        acme?.tlsAlpn01,
      ))
        all.push({ listener: listener.name, scheme: 'https', bound });
    }
    for (const listener of plan.httpListeners) {
      const server = createHttpListener(listener, acme?.http01 ?? options.http01 ?? (() => undefined), log);
      server.on('connection', (socket: net.Socket) => plainTracker.add(socket, listener.name));
      let bound: Bound;
      try {
        bound = await listen(
          server,
          listener.host === 'localhost' ? '127.0.0.1' : listener.host,
          listener.port,
          { reusePort: listener.reusePort === true },
        );
      } catch (error) {
        throw listenError(listener.host, listener.port, error);
      }
      all.push({ listener: listener.name, scheme: 'http', bound });
    }
  } catch (error) {
    await Promise.all(all.map(({ bound }) => bound.close()));
    await release();
    throw error;
  }
  admin?.attach({ sites: allSites, tracker, resumptions });
  const stopWatching = await watchSiteCertificates(plan, allSites, log, {
    ...(options.reloadPollMs !== undefined ? { pollIntervalMs: options.reloadPollMs } : {}),
  });
  const stopGauges = watchServerGauges(allSites, resumptions, keylog !== undefined);
  return {
    addresses: all.map(({ listener, scheme, bound }) => {
      const address = bound.address();
      return { listener, scheme, address: address.address, port: address.port };
    }),
    drain: async (deadlineMs) => {
      stopWatching();
      stopGauges();
      // Stop accepting first; connections already accepted finish (or are cut at the deadline).
      const closed = Promise.all(all.map(({ bound }) => bound.close()));
      const cuts = await Promise.all([tracker.drain(deadlineMs), plainTracker.drain(deadlineMs)]);
      await closed;
      const cut = cuts[0] + cuts[1];
      await release();
      return cut;
    },
    takeResumptionCounts: () => new Map([...resumptions].map(([name, r]) => [name, r.stats.take()])),
    close: async () => {
      stopWatching();
      stopGauges();
      await Promise.all(all.map(({ bound }) => bound.close()));
      await release();
    },
  };
}
