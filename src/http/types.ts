import type { LogEvent, SiteRequestMetrics } from '../observe/index.ts';
// The contract between the TLS terminator (src/serve) and the HTTP data path.

import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, type HttpLimits, type HttpTimeouts } from './limits.ts';
import type { SiteFilters } from './rules/filters.ts';

/** One per TLS connection, built by the terminator. */
export interface ConnectionInfo {
  readonly clientAddress: string;
  readonly clientPort: number;
  /** Address and port as every log line spells them ("[::1]:43818"); made from the two when absent. */
  readonly client?: string;
  /** The connection id its handshake line carries, for the access lines to join on. */
  readonly connId?: string;
  /** The handshake's duration, ms (the first access line of the connection carries it). */
  readonly tlsMs?: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** SNI */
  readonly serverName: string | undefined;
  /** Negotiated ALPN. */
  readonly alpn: string | false;
  /** Negotiation facts, opaque to the HTTP layer; handlers read them. */
  readonly tls: Readonly<Record<string, unknown>>;
  /**
   * Header lines ("name: value\r\n…") describing the client certificate, added to every upstream
   * request (mTLS sites). Incoming x-forwarded-client-cert / x-client-verify are always removed.
   */
  readonly clientCertLines?: string;
  /** RFC 4514 subject of the client certificate, set only when it verified (rules' client_cert_subject). */
  readonly clientCertSubject?: string;
  /**
   * The connection's own handshake bytes (both ways) and secrets, recorded only for sites that
   * serve `inspect`, so that page can show the visitor their own connection (serve/inspect/).
   */
  readonly ownHandshake?: OwnHandshake;
}

/** What one connection recorded of itself: bounded, in memory, dropped with the connection. */
export interface OwnHandshake {
  /** Bytes as they crossed the socket, client→server and server→client, in order. */
  readonly chunks: readonly {
    readonly dir: 'client' | 'server';
    readonly data: Uint8Array;
    readonly time: number;
  }[];
  /** This connection's key log lines (NSS format), from its own TLS socket only. */
  readonly keyLog: readonly string[];
  /** Bytes past the recording bound were not kept (per direction). */
  readonly truncated: { readonly client: boolean; readonly server: boolean };
  /** How it resumed, when it did: the serve side's resumption facts. */
  readonly resumption?: Readonly<Record<string, unknown>>;
}

export interface LocalRequest {
  readonly method: string;
  readonly target: string;
  /** Field names lower-cased, in arrival order. */
  readonly headers: readonly (readonly [string, string])[];
  readonly httpVersion: '1.0' | '1.1' | '2';
}

export interface LocalResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array | string;
}

/** A handler answered by tlsterm itself (like Caddy's `respond`); `inspect` is one. */
export type LocalHandler = (req: LocalRequest, conn: ConnectionInfo) => LocalResponse;

export interface HttpUpstream {
  /** http:// or https:// */
  readonly url: URL;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
  /** https:// upstreams: how TLS to the upstream is opened and verified. */
  readonly tls?: UpstreamTlsOptions;
  /** false: no Via entry of ours toward this upstream, whatever HttpOptions.via says. */
  readonly via?: boolean;
  /** Set: HTTP/2 to the app (h2c://, or https:// with ALPN h2), served by http/upstream-h2/. */
  readonly h2?: { readonly maxStreams: number };
}

export interface UpstreamTlsOptions {
  /** Trusted CA certificates (PEM); undefined = the system store. */
  readonly caPems?: readonly string[];
  /** SNI sent (omitted for IP addresses) and the name checked in the certificate. */
  readonly servername: string;
  readonly clientCertificate?: { readonly certPem: string; readonly keyPem: string };
  /** false only with an explicit insecure_skip_verify. */
  readonly verify: boolean;
}

export interface UpstreamPool {
  close(): void;
  readonly stats: { readonly idle: number; readonly active: number; readonly created: number };
}

export interface HttpSiteRuntime {
  /** Exactly one of upstream / handler. */
  readonly upstream?: HttpUpstream;
  readonly handler?: LocalHandler;
  /** Made by createUpstreamPool(upstream, opts); the terminator keeps one per site. */
  readonly pool?: UpstreamPool;
  /**
   * Upgrade protocols (lower-case names, e.g. "websocket") tunnelled to the upstream; a request
   * offering any other is forwarded without its Upgrade. Default: DEFAULT_UPGRADES.
   */
  readonly upgrade?: readonly string[];
  /** Counts this site's requests and upstream errors (resolved once per site, not per request). */
  readonly metrics?: SiteRequestMetrics;
  /** Rules, header edits, HSTS and the site's limits (http/rules); absent: none. */
  readonly filters?: SiteFilters;
}

/** A request whose host this connection must not serve: answered 421 (RFC 9110 §15.5.20). */
export interface Misdirected {
  /** Why, for the request log line. */
  readonly misdirected: string;
}

/**
 * Which site serves each request of a connection, by its host (Host / :authority), since a
 * connection may carry requests for every name its certificate covers (RFC 9113 §9.1.1). Made per
 * connection by the terminator; without one, the connection's own site serves every request.
 */
export interface SiteResolver {
  /** The site the connection was made for (by SNI). */
  readonly own: HttpSiteRuntime;
  /** `host` as the request sent it (case, port, brackets and all; already validated). */
  resolve(host: string): HttpSiteRuntime | Misdirected;
}

/** One JSON log line per call. */
export type HttpLogger = (event: LogEvent) => void;

/** A client connection that can be asked to finish what it is doing and close (reload, shutdown). */
export interface Drainable {
  drain(): void;
}

export interface HttpOptions {
  /** Largest request head accepted (431 above). Default 16384. */
  maxHeaderBytes: number;
  /** Time allowed for a whole request head to arrive (408 after). */
  headersTimeoutMs: number;
  /** Idle time allowed between requests on a keep-alive connection. */
  keepAliveTimeoutMs: number;
  /** Idle time allowed between two reads of a request body (408, or a cut if a response started). */
  bodyTimeoutMs: number;
  /** A write to the client that makes no progress for this long closes client and upstream. */
  sendTimeoutMs: number;
  /** An Upgrade tunnel with no byte either way for this long is closed. */
  tunnelIdleTimeoutMs: number;
  /** An HTTP/2 connection with no open stream for this long gets GOAWAY. */
  h2IdleTimeoutMs: number;
  /** Largest request body (413 above); 0 = none. */
  maxBodyBytes: number;
  /** Most field lines in a request head (431 above). */
  maxHeaderFields: number;
  /** Concurrent streams per HTTP/2 connection. */
  h2MaxStreams: number;
  /** Append to incoming X-Forwarded-For / Forwarded instead of replacing them. Default false. */
  trustForwarded: boolean;
  /**
   * Add `Via: <version> tlsterm` to requests toward the upstream (RFC 9110 §7.6.3). Default true.
   * Note that nginx (gzip_proxied off, its default) does not compress responses to requests with Via.
   */
  via: boolean;
  /**
   * Header carrying the request id to the upstream (lower-case; `log.request_id_header`); false: the
   * id is logged but not sent (an incoming one passes through untouched).
   */
  requestIdHeader: string | false;
}

export const defaultHttpOptions: Readonly<HttpOptions> = Object.freeze(
  httpOptionsOf(DEFAULT_TIMEOUTS, DEFAULT_LIMITS),
);

/** The defaults themselves (shared, frozen) when nothing is overridden: no object per connection. */
export const resolveHttpOptions = (opts: Partial<HttpOptions> | undefined): Readonly<HttpOptions> =>
  opts === undefined ? defaultHttpOptions : { ...defaultHttpOptions, ...opts };

/** The options a listener's timeouts and limits make (forwarding settings at their defaults). */
export function httpOptionsOf(t: HttpTimeouts, l: HttpLimits): HttpOptions {
  return {
    maxHeaderBytes: l.maxHeaderBytes,
    headersTimeoutMs: t.headerMs,
    keepAliveTimeoutMs: t.keepaliveMs,
    bodyTimeoutMs: t.bodyMs,
    sendTimeoutMs: t.sendMs,
    tunnelIdleTimeoutMs: t.tunnelIdleMs,
    h2IdleTimeoutMs: t.h2IdleMs,
    maxBodyBytes: l.maxBody,
    maxHeaderFields: l.maxHeaderFields,
    h2MaxStreams: l.h2MaxStreams,
    trustForwarded: false,
    via: true,
    requestIdHeader: 'x-request-id',
  };
}
