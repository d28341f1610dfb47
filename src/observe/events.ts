// Every log event tlsterm writes: its name, what it says, its usual level and its fields. One table:
// the Logger only takes names from it, and docs/logs.md is rendered from it (scripts/logs-doc.ts).
// Adding an event: a row here, then `node scripts/logs-doc.ts > docs/logs.md`.

import type { LogLevel } from './log-settings.ts';

export type EventLevel = LogLevel;

export interface EventSpec {
  /** Which part writes it. */
  readonly by: 'serve' | 'http' | 'certs' | 'acme' | 'state' | 'cluster';
  /** Its level when the line does not say (the logger writes `level` on every line). */
  readonly level: EventLevel;
  readonly says: string;
  /** Field → what it holds. Fields every line has (time, worker) are not repeated. */
  readonly fields: Readonly<Record<string, string>>;
  /**
   * Every worker writes this line for the same fact (each watches the files, opens the key log):
   * the logger marks it `"workers":N` so that N lines are read as one fact.
   */
  readonly perWorker?: true;
  /** A failed handshake: its line carries the client's offered lists by default (`log.handshake.offered`). */
  readonly failure?: true;
}

const CLIENT = 'client address and port: "203.0.113.9:5123", IPv6 in brackets "[::1]:43818"';
const CONN_ID = 'connection id (worker number-counter): joins the handshake line and its access lines';

export const EVENTS = {
  // --- connections (serve)
  handshake: {
    by: 'serve',
    level: 'info',
    says: 'a TLS connection that completed its handshake, written when it closes (passthrough: what the upstream ServerHello chose)',
    fields: {
      listener: 'listener name',
      site: 'site id (listeners[i].sites[j])',
      client: CLIENT,
      conn_id: CONN_ID,
      sni: 'server name the client asked for, or null',
      mode: 'terminate | passthrough',
      version: 'negotiated version, e.g. TLS1.3',
      cipher: '{ iana, openssl } names of the suite',
      group: 'key-exchange group, e.g. X25519MLKEM768',
      hello_retry: 'true when the server asked for another key share (HelloRetryRequest); absent otherwise',
      signature_algorithm: 'the server signature scheme',
      alpn: 'negotiated ALPN protocol or null',
      resumed: 'true for an abbreviated handshake',
      resumed_by: 'ticket | session_id; absent for a full handshake',
      ticket_key: 'first 8 hex digits of the ticket key name that resumed it',
      ticket_key_current: 'whether that key still issues tickets',
      client_certificate:
        'subject, issuer and fingerprint of the client certificate (mTLS); absent without one',
      ja4: 'the client hello fingerprint',
      offered:
        'what the client offered: versions, ciphers, groups, key_shares, alpn, signature_algorithms (only with log.handshake.offered: all)',
      upstream: 'where the connection went (passthrough, TLS-to-TCP)',
      handshake_ms: 'handshake duration',
      duration_ms: 'connection lifetime',
      bytes_in: 'bytes read from the client',
      bytes_out: 'bytes written to the client',
      error: 'what ended the connection, when it did not end cleanly',
    },
  },
  handshake_failed: {
    failure: true,
    by: 'serve',
    level: 'info',
    says: 'a handshake that did not complete, with who refused what',
    fields: {
      listener: 'listener name',
      site: 'site id, when SNI routing got that far',
      client: CLIENT,
      sni: 'server name asked for, or null',
      reason: 'a code from the reasons list (README "Logs"), e.g. no_common_version',
      detail: 'the reason in plain words',
      handshake_ms: 'time until the failure',
      bytes_in: 'bytes read',
      bytes_out: 'bytes written',
      ja4: 'the client hello fingerprint, when a hello was read',
      offered:
        'what the client offered, when a hello was read (not with log.handshake.offered: none; by default on the first 4 failures of a client address per 10 s)',
      offered_limited: 'true when the lists were left out because this client failed more often (a scanner)',
    },
  },
  resumption_summary: {
    by: 'cluster',
    level: 'info',
    says: 'per listener, once a minute: how many handshakes resumed',
    fields: {
      listener: 'listener name',
      period_s: 'the period covered',
      handshakes: 'handshakes in the period',
      full: 'full handshakes',
      resumed: 'abbreviated handshakes',
      resumed_by_ticket: 'of which by ticket',
      resumed_by_session_id: 'of which by session id',
      resumption_ratio: 'resumed / handshakes',
    },
  },
  connection_refused: {
    by: 'serve',
    level: 'warning',
    says: 'connections closed right after accept, before any TLS, because a limit was reached (at most one line per limit per second)',
    fields: {
      listener: 'listener name',
      limit: 'max_connections | max_connections_per_client',
      max: 'the configured limit',
      client: 'the client address of the last refusal',
      refused: 'connections refused since the previous line',
    },
  },
  keylog_open: {
    perWorker: true,
    by: 'serve',
    level: 'warning',
    says: "the key log (keylog:) is on: every connection's TLS secrets are written to this file",
    fields: { file: 'the key log file', max_bytes: 'its cap', detail: 'in words' },
  },
  keylog_full: {
    perWorker: true,
    by: 'serve',
    level: 'warning',
    says: 'the key log reached max_bytes; lines are dropped until the file shrinks',
    fields: { file: 'the key log file', max_bytes: 'its cap' },
  },
  keylog_mode: {
    perWorker: true,
    by: 'serve',
    level: 'warning',
    says: 'the key log file could not be made 0600',
    fields: { file: 'the key log file', error: 'the error code' },
  },
  keylog_failed: {
    perWorker: true,
    by: 'serve',
    level: 'error',
    says: 'the key log file could not be opened or written',
    fields: { file: 'the key log file', error: 'the error code' },
  },
  // --- requests (http)
  access: {
    by: 'http',
    level: 'info',
    says: 'one HTTP request answered (forwarded or local), written when the response ends',
    fields: {
      conn_id: CONN_ID,
      request_id: 'the X-Request-Id the request came with (if sane), else one made here; sent upstream',
      client: CLIENT,
      proto: 'http/1.1 | h2',
      sni: "the connection's server name, only when the host names another (coalesced, 421) or none was sent",
      host: 'Host / :authority as sent',
      method: 'request method',
      uri: 'request target, query included (as Caddy and nginx $request_uri)',
      status: 'status sent to the client (499: the client went away first)',
      bytes_in: 'request body bytes read',
      bytes_out: 'response body bytes written',
      user_agent: 'User-Agent, or null',
      upstream: 'origin that answered, or local',
      tls_ms: "the connection's handshake time, on its first request only",
      upstream_connect_ms: 'time to connect to the upstream (0: a pooled connection was reused)',
      ttfb_ms: 'from the request head to the first byte of the response',
      total_ms: 'from the request head to the last byte of the response',
      upgrade: 'the protocol a 101 switched to (upgrade: allowlist), e.g. websocket',
      upgrade_refused: 'an Upgrade not on the allowlist, forwarded without it (e.g. h2c)',
      reason: 'why a 421 was sent (the host belongs to a site this connection cannot serve)',
      pool: 'the pool of the route that proxied it (routes:)',
      upstream_attempts: 'servers tried (1 = no retry)',
      retried_from: 'servers that failed before the one that answered, comma-separated',
    },
  },
  http_rejected: {
    by: 'http',
    level: 'info',
    says: 'a request refused before forwarding (malformed, too large, smuggling attempt)',
    fields: {
      client: CLIENT,
      conn_id: CONN_ID,
      sni: 'server name of the connection',
      alpn: 'http/1.1 | h2',
      status: 'status sent (400, 408, 413, 431, …)',
      reason: 'what was wrong, in words',
    },
  },
  upstream_error: {
    by: 'http',
    level: 'warning',
    says: 'the upstream could not be reached or failed mid-answer (the client got 502/504 or a cut)',
    fields: {
      listener: 'listener name (TLS-to-TCP)',
      site: 'site id (TLS-to-TCP)',
      client: CLIENT,
      sni: 'server name of the connection',
      method: 'request method',
      path: 'request target',
      status: 'status sent to the client',
      upstream: 'the upstream origin',
      error: 'what failed, e.g. connect_refused, timeout, tls_verify',
      detail: 'the failure in words (for TLS: what failed in verification)',
    },
  },
  http_timeout: {
    by: 'http',
    level: 'info',
    says: 'a connection or stream bound ran out (timeouts: in the listener) and tlsterm closed or reset it',
    fields: {
      timeout: 'header | body | send | keepalive | tunnel_idle | h2_idle',
      limit_ms: 'the bound that ran out',
      method: 'request method, when a request was in flight',
      path: 'request target, when a request was in flight',
      client: CLIENT,
      sni: 'server name of the connection',
      alpn: 'http/1.1 | h2',
    },
  },
  h2_error: {
    by: 'http',
    level: 'warning',
    says: 'an HTTP/2 session failed (protocol error from the client)',
    fields: { client: CLIENT, error: 'the error' },
  },
  handler_error: {
    by: 'http',
    level: 'error',
    says: 'a local handler (inspect) failed; the client got 500',
    fields: { path: 'request target', error: 'the error' },
  },
  // --- certificates
  certificate_reloaded: {
    perWorker: true,
    by: 'certs',
    level: 'info',
    says: 'a watched certificate file changed and the new pair is served to new connections',
    fields: {
      id: 'where the pair is configured (listeners[i].sites[j].certificates[k])',
      cert: 'certificate file',
      key: 'key file',
      serial: 'new serial',
      previous_serial: 'the serial it replaced',
      subject: 'new subject',
      not_after: 'new expiry',
      warnings: 'problems that did not stop the swap',
    },
  },
  certificate_reload_refused: {
    perWorker: true,
    by: 'certs',
    level: 'error',
    says: 'a changed certificate file was refused; the old pair keeps serving',
    fields: {
      id: 'where the pair is configured',
      cert: 'certificate file',
      key: 'key file',
      kept_serial: 'the serial still served',
      problems: 'why it was refused',
    },
  },
  certificate_expiry: {
    by: 'certs',
    level: 'warning',
    says: 'a certificate in service expires soon (14 days: warning, 3 days: error); at start and daily',
    fields: {
      id: 'where it is configured',
      subject: 'subject',
      serial: 'serial',
      not_after: 'expiry',
      days_left: 'days left',
      message: 'in words',
      hint: 'what to do',
    },
  },
  certificate_placeholder: {
    by: 'acme',
    level: 'warning',
    says: 'an ACME site serves a self-signed placeholder until its first issuance',
    fields: { name: 'lineage', hosts: 'names', cert: 'placeholder file', detail: 'in words' },
  },
  certificate_order_started: {
    by: 'acme',
    level: 'info',
    says: 'an ACME order began',
    fields: {
      name: 'lineage',
      hosts: 'names ordered',
      directory: 'ACME directory',
      challenge: 'challenge type',
      reason: 'first issuance, renewal (ARI or lifetime), hosts changed',
    },
  },
  certificate_order_locked: {
    by: 'acme',
    level: 'info',
    says: 'another host holds the order lock for this lineage (shared state)',
    fields: { name: 'lineage', held_by: 'the holder', until: 'lock expiry' },
  },
  certificate_issued: {
    by: 'acme',
    level: 'info',
    says: 'the CA issued a certificate; it is written in certbot layout and picked up by the workers',
    fields: {
      name: 'lineage',
      hosts: 'names',
      directory: 'ACME directory',
      challenge: 'challenge type',
      reason: 'why it was ordered',
      serial: 'serial',
      replaced_serial: 'the serial it replaces',
      issuer: 'issuer',
      not_before: 'validity start',
      not_after: 'expiry',
      cert: 'fullchain file',
      key: 'key file',
    },
  },
  certificate_adopted: {
    by: 'acme',
    level: 'info',
    says: 'a certificate another host issued (shared state) was taken over',
    fields: {
      name: 'lineage',
      hosts: 'names',
      serial: 'serial',
      replaced_serial: 'the serial it replaces',
      not_after: 'expiry',
      cert: 'fullchain file',
      detail: 'in words',
    },
  },
  certificate_renewal_scheduled: {
    by: 'acme',
    level: 'info',
    says: 'when the certificate in service will be renewed',
    fields: {
      name: 'lineage',
      serial: 'serial in service',
      not_after: 'its expiry',
      renew_at: 'planned renewal time',
      source: 'ari | lifetime',
      window_start: 'ARI window start',
      window_end: 'ARI window end',
      explanation_url: "the CA's explanation (ARI)",
    },
  },
  certificate_renewal_failed: {
    by: 'acme',
    level: 'error',
    says: 'an order failed; it is retried with backoff while the certificate in service keeps serving',
    fields: {
      name: 'lineage',
      hosts: 'names',
      directory: 'ACME directory',
      challenge: 'challenge type',
      reason: 'why it was ordered',
      attempt: 'attempt number',
      error: 'what failed',
      problem: "the CA's problem document",
      hint: 'what to do',
      retry_at: 'next attempt',
      retry_in_ms: 'delay to the next attempt',
      serving_serial: 'the serial still served',
      serving_placeholder: 'true while the placeholder is served',
    },
  },
  certificate_manager_error: {
    by: 'acme',
    level: 'error',
    says: 'the certificate manager failed outside an order',
    fields: { name: 'lineage', error: 'the error' },
  },
  acme_manager_started: {
    by: 'acme',
    level: 'info',
    says: 'the primary manages these ACME certificates',
    fields: { certificates: 'lineages', shared: 'whether state is shared (Redis)' },
  },
  acme_account_ready: {
    by: 'acme',
    level: 'info',
    says: 'the ACME account exists (created or found)',
    fields: {
      directory: 'ACME directory',
      account_url: 'account URL',
      contact: 'contact',
      key_created: 'whether a new account key was made',
    },
  },
  acme_account_shared: {
    by: 'acme',
    level: 'info',
    says: 'the account key comes from (or went to) the shared store',
    fields: { directory: 'ACME directory', detail: 'in words' },
  },
  acme_lineage_conflict: {
    by: 'acme',
    level: 'error',
    says: 'two configurations claim one lineage name with different hosts',
    fields: { name: 'lineage', hosts: 'these hosts', managed_hosts: 'the hosts it has', detail: 'in words' },
  },
  acme_renewal_info_failed: {
    by: 'acme',
    level: 'warning',
    says: 'ARI could not be read; the lifetime rule is used',
    fields: { name: 'lineage', error: 'the error', fallback: 'the rule used instead' },
  },
  acme_replaces_refused: {
    by: 'acme',
    level: 'warning',
    says: 'the CA refused the ARI "replaces" field; the order is retried without it',
    fields: { name: 'lineage', replaces: 'the certificate id', error: 'the error', detail: 'in words' },
  },
  acme_shared_store_failed: {
    by: 'acme',
    level: 'warning',
    says: 'the shared store (Redis) failed an operation',
    fields: { name: 'lineage', operation: 'what was tried', error: 'the error', detail: 'in words' },
  },
  acme_state_write_failed: {
    by: 'acme',
    level: 'error',
    says: 'renewal state could not be written to the state directory',
    fields: { name: 'lineage', error: 'the error' },
  },
  acme_challenge_cleanup_failed: {
    by: 'acme',
    level: 'warning',
    says: 'a challenge answer could not be removed (DNS hook clear, store)',
    fields: { name: 'lineage', error: 'the error' },
  },
  acme_http01: {
    by: 'acme',
    level: 'info',
    says: 'an HTTP-01 challenge request reached the http listener',
    fields: { listener: 'listener name', client: CLIENT, token_known: 'whether we had the answer' },
  },
  acme_tls_alpn01: {
    by: 'acme',
    level: 'info',
    says: 'a TLS-ALPN-01 challenge handshake reached the TLS port',
    fields: { servername: 'name validated', challenge_known: 'whether we had the answer' },
  },
  // --- shared state
  state_backend_down: {
    by: 'state',
    level: 'warning',
    says: 'the Redis state backend is unreachable; serving goes on with local state',
    fields: { backend: 'redis', url: 'server (no password)', error: 'the error' },
  },
  state_backend_up: {
    by: 'state',
    level: 'info',
    says: 'the Redis state backend is back',
    fields: { backend: 'redis', url: 'server (no password)', down_ms: 'how long it was down' },
  },
  ticket_key_lease_acquired: {
    by: 'state',
    level: 'info',
    says: 'this host now rotates the shared ticket keys',
    fields: { backend: 'redis', url: 'server (no password)' },
  },
  // --- the instance (cluster primary)
  started: {
    by: 'cluster',
    level: 'info',
    says: 'every listener is bound and the workers serve',
    fields: { pid: 'primary pid', listeners: 'name, scheme, address, port of each listener' },
  },
  reloaded: {
    by: 'cluster',
    level: 'info',
    says: 'a reload is in service; the previous generation drains',
    fields: {
      generation: 'the new generation',
      draining_generation: 'the old one',
      workers: 'worker count',
      listeners: 'listeners now bound',
    },
  },
  reload_failed: {
    by: 'cluster',
    level: 'error',
    says: 'a reload was refused or failed; the old configuration keeps serving',
    fields: { reason: 'config_errors, listen_failed, …', detail: 'in words' },
  },
  drained: {
    by: 'cluster',
    level: 'info',
    says: 'an old generation finished (after a reload or at stop)',
    fields: {
      generation: 'the generation',
      drain_ms: 'how long it took',
      cut: 'connections cut at drain_timeout',
    },
  },
  worker_exited: {
    by: 'cluster',
    level: 'warning',
    says: 'a worker process ended unexpectedly',
    fields: { pid: 'its pid', generation: 'its generation', code: 'exit code', signal: 'signal' },
  },
  worker_restarted: {
    by: 'cluster',
    level: 'info',
    says: 'a replacement worker serves',
    fields: { pid: 'new pid', generation: 'generation' },
  },
  worker_restart_failed: {
    by: 'cluster',
    level: 'error',
    says: 'a replacement worker could not start',
    fields: { generation: 'generation', detail: 'in words' },
  },
  log_reopen: {
    by: 'cluster',
    level: 'info',
    says: 'SIGUSR1: log files reopened (the logrotate habit; it never opens a debugger)',
    fields: { pid: 'primary pid', files: 'log files reopened' },
  },
  memory_relief: {
    by: 'cluster',
    level: 'info',
    says: 'a worker gave memory back after a load passed (one memory-reducing garbage collection)',
    fields: {
      connections_peak: 'open sockets at the peak',
      connections: 'open sockets now',
      rss_mib_before: 'worker RSS before',
      rss_mib_after: 'worker RSS after',
      gc_ms: 'how long the collection took',
    },
  },
  worker_allocator: {
    by: 'cluster',
    level: 'warning',
    says: 'TLSTERM_MALLOC could not be honoured; the workers use the system malloc',
    fields: { detail: 'in words' },
  },
  pid_file_failed: {
    by: 'cluster',
    level: 'warning',
    says: 'the pid file could not be written (tlsterm reload cannot find this instance)',
    fields: { state_dir: 'state directory', error: 'the error' },
  },
  stopping: {
    by: 'cluster',
    level: 'info',
    says: 'SIGTERM/SIGINT: draining',
    fields: { pid: 'primary pid' },
  },
  stopped: {
    by: 'cluster',
    level: 'info',
    says: 'the instance ended',
    fields: { pid: 'primary pid', drained: 'false after a second signal', cut: 'connections cut' },
  },
  admin_listening: {
    by: 'cluster',
    level: 'info',
    says: 'the admin listener (admin:) answers health, the runtime API and what other parts register',
    fields: { address: 'bound address', port: 'bound port', token: 'whether a bearer token is required' },
  },
  keylog_on: {
    by: 'cluster',
    level: 'warning',
    says: 'a key log on demand (POST /api/v1/keylog) is on: the TLS secrets of matching connections go to this file',
    fields: {
      file: 'the key log file (mode 0600)',
      site: 'the site id or host it is limited to, or null',
      client: 'the client CIDR it is limited to, or null',
      until: 'when it ends by itself',
      detail: 'in words',
    },
  },
  keylog_off: {
    by: 'cluster',
    level: 'info',
    says: 'the key log on demand ended',
    fields: {
      file: 'the key log file',
      why: 'expired | stopped (DELETE /api/v1/keylog or a new order) | shutdown',
      lines: 'lines the workers wrote',
      duration_s: 'how long it was on',
    },
  },
  ocsp_fetched: {
    by: 'certs',
    level: 'info',
    says: 'an OCSP response was fetched and verified; workers staple it from now on (error level when it says revoked: it is stapled anyway, as the CA says)',
    fields: {
      subject: 'certificate subject',
      serial: 'certificate serial',
      sites: 'site ids serving it',
      responder: 'responder URL asked',
      cert_status: 'good | revoked | unknown',
      this_update: 'the response thisUpdate',
      next_update: 'the response nextUpdate',
      signer: 'issuer, or the delegated responder subject',
      refresh_at: 'when it is fetched again',
    },
  },
  ocsp_failed: {
    by: 'certs',
    level: 'warning',
    says: 'no fresh OCSP response for a certificate; the last verified one (if still valid) keeps being stapled, else none',
    fields: {
      subject: 'certificate subject',
      serial: 'certificate serial',
      sites: 'site ids serving it',
      responder: 'responder URL asked, or null',
      reason:
        'no_responder | no_issuer | cache_write | internal | responder_unreachable | responder_http_error | timeout | too_large | unparsable | not_successful | no_matching_response | bad_signature | unsupported_signature | not_yet_valid | expired | nonce_mismatch',
      detail: 'in words',
      stapled: 'whether a verified response is still stapled',
      retry_at: 'when it is tried again',
    },
  },
  // --- PROXY protocol in (serve/proxy-in)
  proxy_refused: {
    by: 'serve',
    level: 'warning',
    says: 'a connection to a proxy_protocol listener closed before any TLS: not from a trusted balancer, or its PROXY header was malformed, late or cut (at most one line per reason per second)',
    fields: {
      listener: 'listener name',
      reason: 'untrusted_source | malformed | timeout | client_closed',
      detail: 'in words (the last refusal of the second)',
      peer: 'the socket\'s peer "ip:port" (the balancer, or whoever connected)',
      refused: 'connections refused for this reason since the previous line',
    },
  },
  // --- pools (http; decided once per instance, by the cluster primary)
  upstream_down: {
    by: 'http',
    level: 'warning',
    says: 'a pool server failed its active health checks `fall` times in a row: no request goes to it',
    fields: { pool: 'pool name', upstream: 'server origin', reason: 'the last check, in words' },
  },
  upstream_up: {
    by: 'http',
    level: 'info',
    says: 'a pool server is back (passed `rise` checks, or its passive cool-down ended); slow start ramps its weight',
    fields: { pool: 'pool name', upstream: 'server origin', reason: 'why, in words' },
  },
  upstream_ejected: {
    by: 'http',
    level: 'warning',
    says: 'a pool server had `passive.failures` failed requests (connect errors, 5xx, timeouts) within the window: out for the cool-down',
    fields: {
      pool: 'pool name',
      upstream: 'server origin',
      reason: 'the last failure, e.g. ECONNREFUSED, RESPONSE_TIMEOUT, HTTP_502',
      failures: 'the threshold reached',
      cooldown_ms: 'how long it stays out',
    },
  },
  // --- lifecycle (systemd, privileges)
  systemd_notify_failed: {
    by: 'cluster',
    level: 'warning',
    says: 'NOTIFY_SOCKET is set but systemd-notify could not send (logged once); systemd may time out the start',
    fields: { detail: 'in words' },
  },
  privileges_dropped: {
    by: 'cluster',
    level: 'info',
    says: 'user:/group: — the primary serves as that user now (the workers switched before listening); warning: the state directory could not be handed over',
    fields: {
      user: 'user name',
      uid: 'uid',
      group: 'group name',
      gid: 'gid',
      detail: 'what failed (warning only)',
    },
  },
} as const satisfies Readonly<Record<string, EventSpec>>;

export type EventName = keyof typeof EVENTS;
