// The bounds on every state of a served connection: how long each may last (HttpTimeouts) and how
// much it may hold (HttpLimits). One record per listener, built by config/check from `timeouts:`
// and `limits:`; the HTTP layer reads the flat HttpOptions made from them (httpOptionsOf).

/** Milliseconds. */
export interface HttpTimeouts {
  /** The whole TLS handshake (sniff + OpenSSL); `handshake_timeout` is its old spelling. */
  readonly handshakeMs: number;
  /** A whole request head must arrive within this (408 after). */
  readonly headerMs: number;
  /** Idle between two reads of a request body (408 if no response started, else close). */
  readonly bodyMs: number;
  /** No progress writing to the client for this long: client and upstream connections closed. */
  readonly sendMs: number;
  /** Idle between requests on a keep-alive connection. */
  readonly keepaliveMs: number;
  /** No byte either way through an Upgrade tunnel (WebSocket). */
  readonly tunnelIdleMs: number;
  /** An HTTP/2 connection without an open stream. */
  readonly h2IdleMs: number;
}

export interface HttpLimits {
  /** Largest request body in bytes (413 on a content-length above it, a longer body is cut); 0 = none. */
  readonly maxBody: number;
  /** Largest request head in bytes (431 above). */
  readonly maxHeaderBytes: number;
  /** Most field lines in a request head (431 above). */
  readonly maxHeaderFields: number;
  /** Concurrent streams per HTTP/2 connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  readonly h2MaxStreams: number;
  /** Open connections per listener (per serving process); 0 = none. */
  readonly maxConnections: number;
  /** Open connections per client IP address (per serving process); 0 = none. */
  readonly maxConnectionsPerClient: number;
}

// nginx: client_header_timeout 60s, client_body_timeout 60s, send_timeout 60s, keepalive_timeout 75s;
// HAProxy configs typically use 10–30 s. Ours are no looser.
export const DEFAULT_TIMEOUTS: HttpTimeouts = Object.freeze({
  handshakeMs: 10_000,
  headerMs: 30_000,
  bodyMs: 30_000,
  sendMs: 30_000,
  keepaliveMs: 60_000,
  // nginx's proxy_read_timeout (60 s), which also bounds its WebSocket tunnels: no looser than nginx by
  // default. Applications that ping less often raise it (HAProxy advises `timeout tunnel 1h`).
  tunnelIdleMs: 60_000,
  h2IdleMs: 60_000,
});

export const DEFAULT_LIMITS: HttpLimits = Object.freeze({
  // Bodies are streamed, never buffered: the limit is policy, not memory. nginx's 1 MiB breaks
  // ordinary uploads; 100 MiB is the largest upload Cloudflare's default plans pass.
  maxBody: 100 * 1024 * 1024,
  maxHeaderBytes: 16_384,
  maxHeaderFields: 128,
  h2MaxStreams: 128,
  maxConnections: 10_000,
  // A browser opens at most 6 HTTP/1.1 connections per host (1 for h2); hundreds of users behind one
  // NAT stay far below 1000, while one address holding thousands of connections is an attack.
  maxConnectionsPerClient: 1000,
});
