// The HTTP/2 connections to one app server: streams are multiplexed on one ClientHttp2Session, a
// second is opened when `maxStreams` (or the peer's SETTINGS_MAX_CONCURRENT_STREAMS, if lower) is
// reached. A session that got GOAWAY takes no new stream (the next request opens a fresh one); a
// session without streams is closed after the idle timeout; connecting is bounded by the connect
// timeout. Same role as upstream-pool.ts's Pool for HTTP/1.1.

import { Buffer } from 'node:buffer';
import http2 from 'node:http2';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { HttpUpstream, UpstreamPool } from '../types.ts';
import { upstreamTlsConnectOptions } from '../upstream-tls.ts';

/** Thrown into the streams of a session that did not connect in time. */
export class ConnectTimeout extends Error {
  readonly code = 'CONNECT_TIMEOUT';
}

export class H2Session {
  readonly session: http2.ClientHttp2Session;
  streams = 0;
  connected = false;
  /** performance.now() at connect (streams waiting for it time their answer from here). */
  connectedAt: number | undefined;
  /** GOAWAY received, or closing: no new streams. */
  draining = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null;
  private readonly pool: H2Pool;

  constructor(pool: H2Pool) {
    this.pool = pool;
    const u = pool.upstream;
    const tlsOptions = pool.tlsOptions;
    // No Nagle: a small HEADERS frame must not wait for the ACK of the previous write.
    const session = http2.connect(pool.connectUrl, {
      peerMaxConcurrentStreams: pool.maxStreams,
      createConnection: () =>
        tlsOptions === null
          ? net.connect({ host: pool.host, port: pool.port, noDelay: true })
          : tls
              .connect({ ...tlsOptions, host: pool.host, port: pool.port, ALPNProtocols: ['h2'] })
              .setNoDelay(true),
    });
    this.session = session;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (!this.connected)
        session.destroy(new ConnectTimeout(`no connection within ${u.connectTimeoutMs} ms`));
    }, u.connectTimeoutMs);
    session.on('connect', () => {
      this.connected = true;
      this.connectedAt = performance.now();
      this.clearConnectTimer();
      // An https:// app that did not choose h2 cannot be spoken to here (no fallback: see docs).
      const socket = session.socket as tls.TLSSocket | undefined;
      if (tlsOptions !== null && socket?.alpnProtocol !== 'h2') {
        const err = Object.assign(new Error(`${pool.origin} did not select h2 by ALPN`), {
          code: 'UPSTREAM_NO_H2',
        });
        session.destroy(err);
      }
    });
    session.on('error', () => {}); // each stream reports its own failure
    session.on('goaway', () => {
      this.draining = true;
    });
    session.on('close', () => {
      this.draining = true;
      this.clearConnectTimer();
      this.clearIdle();
      pool.gone(this);
    });
    session.on('remoteSettings', () => {
      // The peer may lower the stream limit; its setting is read on each pick (room()).
    });
    this.armIdle();
  }

  /** Room for another stream on this session. */
  room(): boolean {
    if (this.draining || this.session.destroyed || this.session.closed) return false;
    const peer = this.connected ? (this.session.remoteSettings.maxConcurrentStreams ?? Infinity) : Infinity;
    return this.streams < Math.min(this.pool.maxStreams, peer);
  }

  opened(): void {
    this.streams++;
    this.clearIdle();
  }

  closed(): void {
    this.streams--;
    if (this.streams === 0) this.armIdle();
  }

  close(): void {
    this.draining = true;
    this.clearIdle();
    if (this.streams === 0) this.session.destroy();
    else this.session.close();
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.streams === 0) this.close();
    }, this.pool.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}

export interface H2PoolOptions {
  /** Close a session without streams after this long (default 4000 ms, as the HTTP/1.1 pool). */
  readonly idleTimeoutMs?: number;
}

/** One app server spoken to over HTTP/2 (h2c:// or https:// with ALPN h2). */
export class H2Pool implements UpstreamPool {
  readonly upstream: HttpUpstream;
  readonly host: string;
  readonly port: number;
  /** `h2c://host:port` or `https://host:port` for logs. */
  readonly origin: string;
  /** The upstream authority, used as :authority when a request carries none. */
  readonly authority: Buffer;
  readonly scheme: 'http' | 'https';
  readonly connectUrl: string;
  readonly tlsOptions: tls.ConnectionOptions | null;
  readonly maxStreams: number;
  readonly idleTimeoutMs: number;
  private readonly sessions: H2Session[] = [];
  private createdCount = 0;
  private closedPool = false;

  constructor(upstream: HttpUpstream, opts: H2PoolOptions = {}) {
    const url = upstream.url;
    const secure = url.protocol === 'https:';
    this.upstream = upstream;
    this.host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    this.scheme = secure ? 'https' : 'http';
    this.origin = `${secure ? 'https' : 'h2c'}://${url.host}`;
    this.connectUrl = `${secure ? 'https' : 'http'}://${url.host}`;
    this.authority = Buffer.from(url.host, 'latin1');
    this.tlsOptions = secure && upstream.tls ? upstreamTlsConnectOptions(upstream.tls) : null;
    this.maxStreams = upstream.h2?.maxStreams ?? 100;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 4000;
  }

  get stats(): { readonly idle: number; readonly active: number; readonly created: number } {
    let idle = 0;
    let active = 0;
    for (const s of this.sessions) {
      if (s.streams === 0) idle++;
      else active++;
    }
    return { idle, active, created: this.createdCount };
  }

  /** The session a new stream goes on: the first with room, else a new one. */
  pick(): H2Session {
    for (const s of this.sessions) if (s.room()) return s;
    const s = new H2Session(this);
    this.createdCount++;
    if (!this.closedPool) this.sessions.push(s);
    return s;
  }

  gone(s: H2Session): void {
    const i = this.sessions.indexOf(s);
    if (i >= 0) this.sessions.splice(i, 1);
  }

  /** Sessions open now (tests, stats). */
  get sessionCount(): number {
    return this.sessions.length;
  }

  close(): void {
    this.closedPool = true;
    for (const s of this.sessions.splice(0)) s.close();
  }
}
