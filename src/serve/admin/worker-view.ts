// A worker's side of the admin API: what it holds (certificates in service, open connections,
// ticket keys, its recent handshake lines, the on-demand key log), answered to the primary's asks.
// Built before the servers (its logger tap and TLS-server hook are needed while they are made),
// attached once they exist.

import { X509Certificate } from 'node:crypto';
import type tls from 'node:tls';
import type { CertificatePair } from '../../certs/pair.ts';
import type { LogEvent, Logger } from '../../observe/index.ts';
import type { ConnectionTracker } from '../connection-tracker.ts';
import type { ListenerResumption } from '../resumption/index.ts';
import type { SiteRuntime } from '../site-runtime.ts';
import type { AdminAnswer, AdminAsk, ConnectionEntry, PairInService, TicketKeyEntry } from './asks.ts';
import { createEventRing } from './event-ring.ts';
import { createOnDemandKeylog } from './on-demand-keylog.ts';

export interface WorkerHoldings {
  readonly sites: readonly SiteRuntime[];
  readonly tracker: ConnectionTracker;
  readonly resumptions: ReadonlyMap<string, ListenerResumption>;
}

export interface WorkerAdmin {
  /** The worker's logger, tapped (handshake lines into the ring, certificate reload results). */
  readonly log: Logger;
  /** Hook for every TLS server made (the on-demand key log). */
  wire(server: tls.Server, site: SiteRuntime): void;
  attach(holdings: WorkerHoldings): void;
  answer(ask: AdminAsk): AdminAnswer;
}

type LastReload = NonNullable<PairInService['last_reload']>;

const issuers = new WeakMap<CertificatePair, string>();
const issuerOf = (pair: CertificatePair): string => {
  let issuer = issuers.get(pair);
  if (issuer === undefined) {
    try {
      issuer = new X509Certificate(pair.certPem).issuer.replaceAll('\n', ', ');
    } catch {
      issuer = '';
    }
    issuers.set(pair, issuer);
  }
  return issuer;
};

function reloadRecord(e: LogEvent): LastReload | undefined {
  if (e.event === 'certificate_reloaded')
    return { result: 'reloaded', at: new Date().toISOString(), serial: String(e['serial']), reason: null };
  if (e.event === 'certificate_reload_refused') {
    const problems = (e['problems'] ?? []) as readonly { message?: string }[];
    return {
      result: 'refused',
      at: new Date().toISOString(),
      serial: null,
      reason: problems.map((p) => p.message ?? '').join('; '),
    };
  }
  return undefined;
}

export function createWorkerAdmin(baseLog: Logger): WorkerAdmin {
  const reloads = new Map<string, LastReload>();
  const ring = createEventRing((event, raw) => {
    const record = reloadRecord(event);
    if (record !== undefined) reloads.set(String(event['id']), record);
    baseLog(event, raw);
  });
  const keylog = createOnDemandKeylog(baseLog);
  let held: WorkerHoldings | undefined;

  const certificates = (h: WorkerHoldings): PairInService[] =>
    h.sites
      .filter((s) => s.plan.mode === 'terminate')
      .flatMap((s) =>
        s.pairs.map((pair, k) => {
          const id = `${s.plan.id}.certificates[${k}]`;
          return {
            site: s.plan.id,
            hosts: s.plan.hosts,
            id,
            serial: pair.serialNumber,
            subject: pair.subject,
            issuer: issuerOf(pair),
            sans: pair.sans,
            not_after: pair.notAfter.toISOString(),
            key_type: pair.keyType,
            cert_file: pair.certPath,
            key_file: pair.keyPath,
            acme_lineage: s.plan.acme === undefined ? null : s.plan.acme.lineage,
            last_reload: reloads.get(id) ?? null,
          };
        }),
      );

  const connections = (h: WorkerHoldings, limit: number) => {
    const counts: Record<string, Record<string, number>> = {};
    const list: ConnectionEntry[] = [];
    const now = Date.now();
    let total = 0;
    for (const c of h.tracker.list()) {
      const protocol = c.facts === undefined ? 'handshake_or_passthrough' : (c.facts.alpn ?? 'tls');
      const perListener = counts[c.listener] ?? {};
      counts[c.listener] = perListener;
      perListener[protocol] = (perListener[protocol] ?? 0) + 1;
      total++;
      if (list.length < limit)
        list.push({
          listener: c.listener,
          client: c.client,
          sni: c.facts?.sni ?? null,
          site: c.facts?.site ?? null,
          version: c.facts?.version ?? null,
          alpn: c.facts?.alpn ?? null,
          protocol,
          age_seconds: Math.round((now - c.since) / 100) / 10,
        });
    }
    return { counts, total, list };
  };

  const ticketKeys = (h: WorkerHoldings): TicketKeyEntry[] => {
    const now = Date.now();
    return [...h.resumptions].flatMap(([listener, r]) => {
      if (r.ring === undefined) return [];
      const current = r.ring.current().nameHex;
      return r.ring.keys().map((k) => ({
        listener,
        name_prefix: k.nameHex.slice(0, 8),
        age_seconds: Math.round((now - k.activeAt) / 1000),
        role: k.nameHex === current ? 'current' : k.activeAt > now ? 'next' : 'decrypt-only',
      }));
    });
  };

  return {
    log: ring.log,
    wire: (server, site) => keylog.wire(server, site),
    attach(holdings) {
      held = holdings;
    },
    answer(ask) {
      const h = held;
      if (h === undefined) return { what: 'error', error: 'this worker is still starting' };
      switch (ask.what) {
        case 'certificates':
          return { what: 'certificates', pairs: certificates(h) };
        case 'connections':
          return { what: 'connections', connections: connections(h, ask.limit) };
        case 'ticket-keys':
          return { what: 'ticket-keys', keys: ticketKeys(h) };
        case 'events':
          return { what: 'events', events: ring.query(ask.query) };
        case 'keylog-start':
          return { what: 'keylog', keylog: keylog.start(ask.order, h.sites) };
        case 'keylog-stop':
          return { what: 'keylog', keylog: keylog.stop(h.sites) };
      }
    },
  };
}
