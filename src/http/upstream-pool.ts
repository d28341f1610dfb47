// Keep-alive pool of plain TCP connections to one upstream. Each socket gets its listeners once,
// at creation, and they dispatch to whoever owns the connection right now (an exchange, a tunnel,
// or the pool while idle): no listener churn per request.

import { Buffer } from 'node:buffer';
import net from 'node:net';
import tls from 'node:tls';
import { Errors, TlstermError } from '../errors.ts';
import { ResponseDecoder } from './message-decoder.ts';
import type { HttpUpstream, UpstreamPool } from './types.ts';
import { H2Pool } from './upstream-h2/sessions.ts';
import { upstreamTlsConnectOptions } from './upstream-tls.ts';

/** Whoever currently uses an upstream connection. */
export interface UpstreamOwner {
  onUpstreamConnect(): void;
  onUpstreamData(chunk: Buffer): void;
  onUpstreamEnd(): void;
  onUpstreamError(err: NodeJS.ErrnoException): void;
  onUpstreamClose(): void;
  onUpstreamDrain(): void;
  onUpstreamTimeout(): void;
}

const St = { connecting: 0, active: 1, idle: 2, gone: 3, detached: 4 } as const;
type ConnState = (typeof St)[keyof typeof St];

/** What plain-TCP upstream sockets read into (net's `onread`): one for the process, copied out at once. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** Largest upstream response head accepted. */
const MAX_RESPONSE_HEAD = 64 * 1024;

export class UpstreamConn {
  readonly socket: net.Socket;
  readonly pool: Pool;
  owner: UpstreamOwner | null;
  state: ConnState = St.connecting;
  /** Exchanges started on this connection; > 1 means it was reused from the pool. */
  uses = 0;
  private decoderInstance: ResponseDecoder | null = null;

  constructor(pool: Pool, owner: UpstreamOwner) {
    this.pool = pool;
    this.owner = owner;
    const tlsOptions = pool.tlsOptions;
    const s =
      tlsOptions === null
        ? net.connect({
            port: pool.port,
            host: pool.host,
            onread: { buffer: READ_BUFFER, callback: (n: number) => this.onRead(n) },
          })
        : tls.connect({
            ...tlsOptions,
            host: pool.host,
            port: pool.port,
            ...(pool.tlsSession !== undefined ? { session: pool.tlsSession } : {}),
          });
    this.socket = s;
    s.setNoDelay(true);
    s.setTimeout(pool.upstream.connectTimeoutMs);
    if (tlsOptions !== null) s.on('session', (session: Buffer) => pool.rememberSession(session));
    // The exchange may start once TLS is up (and verified), not at TCP connect.
    s.on(tlsOptions === null ? 'connect' : 'secureConnect', () => {
      if (this.state !== St.connecting) return;
      this.state = St.active;
      this.socket.setTimeout(this.pool.upstream.responseTimeoutMs);
      this.owner?.onUpstreamConnect();
    });
    if (tlsOptions !== null) s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('end', () => {
      if (this.owner !== null) this.owner.onUpstreamEnd();
      else this.pool.evict(this);
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (this.owner !== null) this.owner.onUpstreamError(err);
      else this.pool.evict(this);
    });
    s.on('close', () => {
      const owner = this.owner;
      this.pool.gone(this);
      if (owner !== null) owner.onUpstreamClose();
    });
    s.on('drain', () => this.owner?.onUpstreamDrain());
    s.on('timeout', () => {
      if (this.owner !== null) this.owner.onUpstreamTimeout();
      else this.pool.evict(this); // idle timeout
    });
  }

  private onRead(n: number): boolean {
    // The read buffer is shared and overwritten by the next read: whoever gets the bytes may keep
    // them (a write still queued, a partial head), so they get a copy of their own.
    // allocUnsafe takes small copies from Buffer's pool (no allocation of their own).
    const chunk = Buffer.allocUnsafe(n);
    READ_BUFFER.copy(chunk, 0, 0, n);
    this.onData(chunk);
    return true;
  }

  private onData(chunk: Buffer): void {
    if (this.owner !== null) this.owner.onUpstreamData(chunk);
    else this.pool.evict(this); // an idle upstream must not talk
  }

  get connecting(): boolean {
    return this.state === St.connecting;
  }

  get decoder(): ResponseDecoder {
    this.decoderInstance ??= new ResponseDecoder(MAX_RESPONSE_HEAD);
    return this.decoderInstance;
  }
}

export interface PoolOptions {
  /** Idle connections kept (default 64). */
  maxIdle?: number;
  /** Close a connection idle this long (default 4000 ms: below the 5 s of Node's and nginx's defaults
   *  upstream, so we close first instead of racing the upstream's close). */
  idleTimeoutMs?: number;
}

export class Pool implements UpstreamPool {
  readonly upstream: HttpUpstream;
  readonly host: string;
  readonly port: number;
  /** `http://host:port` for logs. */
  readonly origin: string;
  /** tls.connect options for https:// upstreams, built once; null for http://. */
  readonly tlsOptions: tls.ConnectionOptions | null;
  /** The last TLS session the upstream gave us, offered on the next connect (resumption). */
  tlsSession: Buffer | undefined;
  /** The upstream authority, used as Host when a request carries none. */
  readonly authority: Buffer;
  private readonly maxIdle: number;
  private readonly idleTimeoutMs: number;
  private readonly idle: UpstreamConn[] = [];
  private activeCount = 0;
  private createdCount = 0;
  private closed = false;

  constructor(upstream: HttpUpstream, opts: PoolOptions = {}) {
    const url = upstream.url;
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:')
      throw new TlstermError(Errors.upstreamUnsupported(url.href, `scheme ${url.protocol} is not supported`));
    if (secure && upstream.tls === undefined)
      throw new TlstermError(
        Errors.upstreamUnsupported(url.href, 'an https:// upstream needs its TLS settings'),
      );
    this.upstream = upstream;
    this.host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    this.origin = `${secure ? 'https' : 'http'}://${url.host}`;
    this.tlsOptions = secure && upstream.tls ? upstreamTlsConnectOptions(upstream.tls) : null;
    this.tlsSession = undefined;
    this.authority = Buffer.from(url.host, 'latin1');
    this.maxIdle = opts.maxIdle ?? 64;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 4000;
  }

  get stats(): { readonly idle: number; readonly active: number; readonly created: number } {
    return { idle: this.idle.length, active: this.activeCount, created: this.createdCount };
  }

  /** An idle connection, now owned by `owner`, or null when none is left. */
  acquire(owner: UpstreamOwner): UpstreamConn | null {
    let c = this.idle.pop();
    while (c !== undefined && (c.socket.destroyed || !c.socket.writable || c.socket.readableEnded)) {
      c.state = St.gone;
      c.socket.destroy();
      c = this.idle.pop();
    }
    if (c === undefined) return null;
    c.state = St.active;
    c.owner = owner;
    c.uses++;
    this.activeCount++;
    c.socket.setTimeout(this.upstream.responseTimeoutMs);
    return c;
  }

  /** A new connection (pooled afterwards unless it ends up detached). */
  connect(owner: UpstreamOwner): UpstreamConn {
    const c = new UpstreamConn(this, owner);
    c.uses = 1;
    this.activeCount++;
    this.createdCount++;
    return c;
  }

  /** Hand a healthy connection back for reuse. */
  release(c: UpstreamConn): void {
    if (c.state !== St.active) return;
    this.activeCount--;
    c.owner = null;
    if (this.closed || this.idle.length >= this.maxIdle || c.socket.destroyed || c.decoder.pendingBytes > 0) {
      c.state = St.gone;
      c.socket.destroy();
      return;
    }
    c.state = St.idle;
    c.socket.setTimeout(this.idleTimeoutMs);
    this.idle.push(c);
  }

  /** Close a connection that must not be reused. */
  discard(c: UpstreamConn): void {
    if (c.state === St.active || c.state === St.connecting) this.activeCount--;
    if (c.state === St.idle) this.removeIdle(c);
    c.state = St.gone;
    c.owner = null;
    c.socket.destroy();
  }

  /** The connection leaves the pool's accounting for good (it became a tunnel). */
  detach(c: UpstreamConn, owner: UpstreamOwner): void {
    if (c.state === St.active) this.activeCount--;
    c.state = St.detached;
    c.owner = owner;
    c.socket.setTimeout(0);
  }

  /** An idle connection said something or timed out: drop it. */
  evict(c: UpstreamConn): void {
    this.discard(c);
  }

  /** Socket 'close': settle the accounting whatever state it was in. */
  gone(c: UpstreamConn): void {
    if (c.state === St.gone || c.state === St.detached) return;
    if (c.state === St.idle) this.removeIdle(c);
    else this.activeCount--;
    c.state = St.gone;
    c.owner = null;
  }

  rememberSession(session: Buffer): void {
    this.tlsSession = session;
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) {
      c.state = St.gone;
      c.socket.destroy();
    }
  }

  private removeIdle(c: UpstreamConn): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }
}

export const createUpstreamPool = (upstream: HttpUpstream, opts?: PoolOptions): UpstreamPool =>
  upstream.h2 !== undefined ? new H2Pool(upstream, opts) : new Pool(upstream, opts);

/** The pool behind a site: the terminator's when it made one with createUpstreamPool, else our own. */
const fallbackPools = new WeakMap<object, Pool | H2Pool>();
export const poolFor = (site: {
  readonly upstream?: HttpUpstream;
  readonly pool?: UpstreamPool;
}): Pool | H2Pool | null => {
  if (site.pool instanceof Pool || site.pool instanceof H2Pool) return site.pool;
  if (site.upstream === undefined) return null;
  let p = fallbackPools.get(site);
  if (p === undefined) {
    p = site.upstream.h2 !== undefined ? new H2Pool(site.upstream) : new Pool(site.upstream);
    fallbackPools.set(site, p);
  }
  return p;
};
