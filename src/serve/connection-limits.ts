// limits.max_connections and limits.max_connections_per_client, enforced where a connection is
// accepted: one over a limit is closed at once, before a byte of TLS is read. Counted per listener
// and per serving process (each worker counts its own). A refusal flood logs one line per limit per
// second, with how many were refused since the last line.

import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ListenerPlan } from '../config/plan.ts';
import type { Logger } from '../observe/index.ts';

const LOG_EVERY_MS = 1000;

export interface ConnectionLimiter {
  /** Count `raw` in (until its close) or close it; false when it was refused. */
  admit(raw: net.Socket): boolean;
  /**
   * Behind a PROXY balancer the socket's peer is the balancer: max_connections is checked at accept
   * (admitSocket), max_connections_per_client once the header has named the real client (admitClient).
   */
  admitSocket(raw: net.Socket): boolean;
  admitClient(raw: net.Socket, client: string): boolean;
}

type LimitName = 'max_connections' | 'max_connections_per_client';

export function createConnectionLimiter(listener: ListenerPlan, log: Logger): ConnectionLimiter {
  const { maxConnections, maxConnectionsPerClient } = listener.limits;
  if (maxConnections === 0 && maxConnectionsPerClient === 0)
    return { admit: () => true, admitSocket: () => true, admitClient: () => true };
  let open = 0;
  const perClient = new Map<string, number>();
  const refusals: Record<LimitName, { count: number; loggedAt: number }> = {
    max_connections: { count: 0, loggedAt: -Infinity },
    max_connections_per_client: { count: 0, loggedAt: -Infinity },
  };
  const refuse = (raw: net.Socket, limit: LimitName, max: number, client: string): false => {
    raw.on('error', () => {});
    raw.destroy();
    const r = refusals[limit];
    r.count++;
    const now = performance.now();
    if (now - r.loggedAt >= LOG_EVERY_MS) {
      log({ event: 'connection_refused', listener: listener.name, limit, max, client, refused: r.count });
      r.count = 0;
      r.loggedAt = now;
    }
    return false;
  };
  // One function for every socket's close, not a closure (and a once() wrapper) per connection.
  const closed = (): void => {
    open--;
  };
  const admitSocket = (raw: net.Socket): boolean => {
    if (maxConnections > 0 && open >= maxConnections)
      return refuse(raw, 'max_connections', maxConnections, raw.remoteAddress ?? '');
    open++;
    raw.on('close', closed);
    return true;
  };
  const admitClient = (raw: net.Socket, client: string): boolean => {
    if (maxConnectionsPerClient === 0) return true; // no limit: nothing to count
    const mine = perClient.get(client) ?? 0;
    if (mine >= maxConnectionsPerClient)
      return refuse(raw, 'max_connections_per_client', maxConnectionsPerClient, client);
    perClient.set(client, mine + 1);
    raw.once('close', () => {
      const n = (perClient.get(client) ?? 1) - 1;
      if (n === 0) perClient.delete(client);
      else perClient.set(client, n);
    });
    return true;
  };
  return {
    admit: (raw) => admitSocket(raw) && admitClient(raw, raw.remoteAddress ?? ''),
    admitSocket,
    admitClient,
  };
}
