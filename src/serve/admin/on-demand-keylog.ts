// The key log on demand, in a worker: while an order is on, the TLS servers of the matching sites
// have a 'keylog' listener that appends the lines of matching clients (by CIDR) to the order's file
// (observe/keylog-writer.ts: mode 0600, append, size cap). Node asks OpenSSL for the secrets only
// for connections made while a server has a listener, so off, it costs nothing. The worker ends
// the order itself at its `until`, so a lost stop message cannot leave it on.

import type { Buffer } from 'node:buffer';
import type net from 'node:net';
import type tls from 'node:tls';
import {
  KEYLOG_DEFAULT_MAX_BYTES,
  type KeyLogWriter,
  type Logger,
  openKeyLogWriter,
} from '../../observe/index.ts';
import type { SiteRuntime } from '../site-runtime.ts';
import type { KeylogOrder, KeylogState } from './asks.ts';
import { type ClientMatcher, clientMatcher } from './cidr.ts';

export interface OnDemandKeylog {
  /** Wire a TLS server made for `site` (now, or later: ticket-key rotation makes new ones). */
  wire(server: tls.Server, site: SiteRuntime): void;
  start(order: KeylogOrder, sites: readonly SiteRuntime[]): KeylogState;
  stop(sites: readonly SiteRuntime[]): KeylogState;
  state(): KeylogState;
}

export const siteMatches = (site: SiteRuntime, wanted: string | undefined): boolean =>
  site.plan.mode !== 'passthrough' &&
  (wanted === undefined || site.plan.id === wanted || site.plan.hosts.includes(wanted.toLowerCase()));

const parentOf = (socket: tls.TLSSocket): net.Socket | undefined =>
  (socket as unknown as { _parent?: net.Socket })._parent;

export function createOnDemandKeylog(log: Logger): OnDemandKeylog {
  let active:
    | {
        readonly order: KeylogOrder;
        readonly writer: KeyLogWriter;
        readonly handler: (line: Buffer, socket: tls.TLSSocket) => void;
        readonly timer: NodeJS.Timeout;
        lines: number;
      }
    | undefined;
  const wired = (sites: readonly SiteRuntime[], wanted: string | undefined) =>
    sites.filter((s) => siteMatches(s, wanted)).flatMap((s) => s.servers());
  const describe = (): KeylogState =>
    active === undefined
      ? { on: false }
      : {
          on: true,
          file: active.order.file,
          ...(active.order.site !== undefined ? { site: active.order.site } : {}),
          ...(active.order.client !== undefined ? { client: active.order.client } : {}),
          until: new Date(active.order.until).toISOString(),
          lines: active.lines,
        };
  const stop = (sites: readonly SiteRuntime[]): KeylogState => {
    if (active === undefined) return { on: false };
    const ending = active;
    const state = describe();
    active = undefined;
    clearTimeout(ending.timer);
    for (const server of wired(sites, ending.order.site)) server.off('keylog', ending.handler);
    ending.writer.close();
    return { ...state, on: false };
  };
  return {
    wire(server, site) {
      if (active !== undefined && siteMatches(site, active.order.site)) server.on('keylog', active.handler);
    },
    start(order, sites) {
      stop(sites);
      const writer = openKeyLogWriter({ file: order.file, maxBytes: KEYLOG_DEFAULT_MAX_BYTES }, log);
      if (writer === undefined) return { on: false };
      let match: ClientMatcher | undefined;
      if (order.client !== undefined) {
        const m = clientMatcher(order.client);
        match = m.ok ? m.match : () => false;
      }
      const handler = (line: Buffer, socket: tls.TLSSocket): void => {
        if (active === undefined) return;
        if (match !== undefined) {
          const raw = parentOf(socket) ?? socket;
          if (!match(raw.remoteAddress ?? '')) return;
        }
        active.lines++;
        writer.write(line);
      };
      const timer = setTimeout(() => stop(sites), Math.max(0, order.until - Date.now()));
      timer.unref();
      active = { order, writer, handler, timer, lines: 0 };
      for (const server of wired(sites, order.site)) server.on('keylog', handler);
      return describe();
    },
    stop,
    state: describe,
  };
}
