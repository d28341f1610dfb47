// What the terminator tells the metrics (observe/metrics): one call where each fact is already
// computed — a handshake's outcome, a connection's protocol and bytes — and the gauges read at
// scrape time from what a running server holds (certificates in service, ticket keys, key log).

import type { ListenerPlan } from '../config/plan.ts';
import { type Collector, processMetrics } from '../observe/index.ts';
import { groupByName } from '../tls/index.ts';
import type { Failure, HandshakeFacts } from './handshake/index.ts';
import type { ListenerResumption, ResumedBy } from './resumption/index.ts';
import type { SiteRuntime } from './site-runtime.ts';

// The post-quantum flag of a group name, from the groups registry, looked up once per name.
const pqByName = new Map<string, boolean>();
const isPostQuantum = (group: string | null): boolean => {
  if (group === null) return false;
  let pq = pqByName.get(group);
  if (pq === undefined) {
    pq = groupByName(group)?.postQuantum ?? false;
    pqByName.set(group, pq);
  }
  return pq;
};

export function countHandshake(
  listener: ListenerPlan,
  site: SiteRuntime,
  facts: HandshakeFacts,
  resumedBy: ResumedBy | null,
  handshakeMs: number,
): void {
  processMetrics.handshakeOk(
    listener.name,
    site.plan.id,
    facts.version,
    facts.cipher.iana,
    facts.group,
    isPostQuantum(facts.group),
    resumedBy,
    handshakeMs / 1000,
  );
}

export function countFailure(
  listener: ListenerPlan,
  site: SiteRuntime | undefined,
  failure: Failure,
  bytesIn: number,
  bytesOut: number,
): void {
  processMetrics.handshakeFailed(listener.name, site?.plan.id ?? null, failure.reason);
  processMetrics.bytes(listener.name, bytesIn, bytesOut);
}

/**
 * A passthrough connection, counted when it ends (its handshake is read off the upstream's
 * ServerHello, and the connection is not ours to track while open). Resumed: a TLS 1.3 PSK is
 * counted as `ticket`, a TLS 1.2 echoed session id as `session_id` (a ticket looks the same there).
 */
export function countPassthrough(
  listener: ListenerPlan,
  site: SiteRuntime | undefined,
  version: string,
  suite: string,
  group: string | null,
  resumed: boolean,
  handshakeMs: number,
  bytesIn: number,
  bytesOut: number,
): void {
  const resumedBy = !resumed ? null : version === 'TLS1.3' ? 'ticket' : 'session_id';
  const name = listener.name;
  processMetrics.handshakeOk(
    name,
    site?.plan.id ?? '',
    version,
    suite,
    group,
    isPostQuantum(group),
    resumedBy,
    handshakeMs / 1000,
  );
  processMetrics.bytes(name, bytesIn, bytesOut);
}

/** An established connection; the returned function counts its close (once). */
export function countConnection(
  listener: ListenerPlan,
  protocol: string,
): (bytesIn: number, bytesOut: number) => void {
  const closed = processMetrics.connectionOpened(listener.name, protocol);
  return (bytesIn, bytesOut) => {
    closed();
    processMetrics.bytes(listener.name, bytesIn, bytesOut);
  };
}

/** The gauges of one running server; returns their removal (at drain or close). */
export function watchServerGauges(
  sites: readonly SiteRuntime[],
  resumptions: ReadonlyMap<string, ListenerResumption>,
  keylogActive: boolean,
): () => void {
  const collect: Collector = (emit) => {
    for (const site of sites)
      for (const pair of site.pairs)
        emit(
          'certificateNotAfter',
          { site: site.plan.id, serial: pair.serialNumber, key_type: pair.keyType },
          Math.floor(pair.notAfter.getTime() / 1000),
        );
    const now = Date.now();
    for (const [listener, r] of resumptions)
      if (r.ring !== undefined)
        emit('ticketKeyAge', { listener }, Math.max(0, Math.round((now - r.ring.current().activeAt) / 1000)));
    emit('keylogActive', {}, keylogActive ? 1 : 0);
  };
  return processMetrics.addCollector(collect);
}
