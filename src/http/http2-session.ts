// The h2 front: node:http2's core stream API on the decrypted socket (no compat req/res layer).
// This file sets the session up (settings, the site contexts, the idle timer and the drain); each
// stream is an H2Stream (h2-stream.ts).

import http2 from 'node:http2';
import type net from 'node:net';
import { clientOf } from './access-log.ts';
import { forwardedParts } from './forwarded.ts';
import { type H2Context, H2Stream } from './h2-stream.ts';
import { SessionWatch } from './h2-watch.ts';
import { routesOf } from './routes/index.ts';
import { isMisdirected, SiteChoice } from './site-choice.ts';
import { logTimeout } from './timeouts.ts';
import {
  type ConnectionInfo,
  type Drainable,
  type HttpLogger,
  type HttpOptions,
  type HttpSiteRuntime,
  type Misdirected,
  resolveHttpOptions,
  type SiteResolver,
} from './types.ts';
import { poolFor } from './upstream-pool.ts';

/** The longest a closing session (GOAWAY sent) waits for its streams before it is destroyed. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Serve h2 on a decrypted socket (ALPN h2); the socket belongs to the HTTP layer from now on. With
 * a SiteResolver, each stream is served by the site of its :authority (or answered 421).
 */
export const serveHttp2 = (
  socket: net.Socket,
  site: HttpSiteRuntime | SiteResolver,
  conn: ConnectionInfo,
  log: HttpLogger,
  opts?: Partial<HttpOptions>,
): Drainable => {
  const o = resolveHttpOptions(opts);
  socket.on('error', () => {});
  let session: http2.ServerHttp2Session;
  try {
    session = http2.performServerHandshake(socket, {
      settings: {
        enablePush: false,
        maxConcurrentStreams: o.h2MaxStreams,
        maxHeaderListSize: o.maxHeaderBytes * 2,
      },
      maxHeaderListPairs: 256,
    });
  } catch (err) {
    log({
      event: 'h2_error',
      error: err instanceof Error ? err.message : String(err),
      client: clientOf(conn),
    });
    socket.destroy();
    return NOTHING_TO_DRAIN;
  }
  const sites = new SiteChoice(site);
  const parts = forwardedParts(conn.clientAddress, conn.clientCertLines);
  // One sweep of stream timers per session, whichever site serves a stream.
  // A bound runs out within a quarter of itself (the sweep's period) of its exact time.
  const watch = new SessionWatch(Math.max(50, Math.min(o.bodyTimeoutMs, o.sendTimeoutMs) / 4));
  const fixedForwarded = parts.fixed.toString('latin1');
  // Other sites' contexts, made on first use (coalesced connections only).
  let others: Map<HttpSiteRuntime, H2Context> | null = null;
  const route = (host: string): H2Context | Misdirected => {
    const choice = sites.forString(host);
    if (choice === sites.own) return ctx;
    if (isMisdirected(choice)) return choice;
    others ??= new Map();
    let c = others.get(choice);
    if (c === undefined) {
      c = contextOf(choice);
      others.set(choice, c);
    }
    return c;
  };
  const contextOf = (s: HttpSiteRuntime): H2Context => {
    const handler = s.handler ?? null;
    const pool = handler === null ? poolFor(s) : null;
    return {
      info: conn,
      log,
      opts: o,
      pool,
      handler,
      upstreamName: pool === null ? 'local' : pool.origin,
      metrics: s.metrics ?? null,
      routes: routesOf(s),
      parts,
      fixedForwarded,
      via: o.via && pool?.upstream.via !== false,
      filters: s.filters ?? null,
      edits: s.filters?.request ?? null,
      watch,
      route,
    };
  };
  const ctx = contextOf(sites.own);
  session.on('error', () => {});
  session.on('stream', (stream, _headers, _flags, rawHeaders) => {
    new H2Stream(ctx, stream, rawHeaders as unknown as string[]).start();
  });
  // The session's inactivity timer closes it only when no stream is open (each stream is bounded by
  // the watch and the upstream's response timeout). A listener, not setTimeout's callback, which
  // node:http2 calls once: the timer is re-armed by the next frame, and must find a listener then.
  session.on('timeout', () => {
    if (ctx.watch.size > 0 || session.closed || session.destroyed) return;
    logTimeout(log, conn, 'h2_idle', o.h2IdleTimeoutMs, null, null);
    closeSession(session, Math.min(o.sendTimeoutMs, CLOSE_GRACE_MS));
  });
  session.setTimeout(o.h2IdleTimeoutMs);
  session.once('close', () => ctx.watch.stop());
  // A reload or shutdown: GOAWAY, streams in flight finish (h2 has no race to guard against);
  // the tracker's drain deadline cuts what is left.
  return { drain: () => session.close() };
};

/** GOAWAY, and a hard destroy if the streams still open have not ended within `graceMs`. */
const closeSession = (session: http2.ServerHttp2Session, graceMs: number): void => {
  const timer = setTimeout(() => {
    if (!session.destroyed) session.destroy();
  }, graceMs);
  timer.unref();
  session.once('close', () => clearTimeout(timer));
  session.close();
};

const NOTHING_TO_DRAIN: Drainable = { drain: () => {} };
