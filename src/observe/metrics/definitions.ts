// Every metric tlsterm exports, one row each: its Prometheus name, help, type, labels, and how the
// primary folds the workers' values into one (sum for counts; max for facts every worker holds the
// same, like a certificate's not-after). docs/operations.md "Metrics" lists the same rows.
// Label values come from config (listener, site, upstream) or from our own registries and unions
// (version, suite, group, reason, kind): never from client data such as an SNI or a path.

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Aggregator = 'sum' | 'max';

export interface MetricSpec {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  readonly aggregator: Aggregator;
}

const row = (
  name: string,
  type: MetricType,
  labels: readonly string[],
  help: string,
  aggregator: Aggregator = 'sum',
): MetricSpec => ({ name, help, type, labels, aggregator });

export const METRICS = {
  handshakes: row(
    'tlsterm_handshakes_total',
    'counter',
    ['listener', 'site', 'version', 'suite', 'group', 'result', 'reason'],
    'TLS handshakes by outcome: result="ok" with version, suite and group; result="failed" with reason.',
  ),
  handshakesPq: row(
    'tlsterm_handshake_pq_total',
    'counter',
    ['listener', 'site', 'group'],
    'Successful handshakes whose key exchange was a post-quantum (ML-KEM hybrid) group.',
  ),
  resumptions: row(
    'tlsterm_resumptions_total',
    'counter',
    ['listener', 'kind'],
    'Resumed handshakes by kind (ticket: TLS 1.3 PSK or TLS 1.2 ticket; session_id: TLS 1.2 cache).',
  ),
  handshakeDuration: row(
    'tlsterm_handshake_duration_seconds',
    'histogram',
    ['listener'],
    'Time from accept to a completed TLS handshake.',
  ),
  connectionsOpen: row(
    'tlsterm_connections_open',
    'gauge',
    ['listener', 'protocol'],
    'Connections past the handshake and still open, by protocol (h2, http/1.1, tcp).',
  ),
  requests: row(
    'tlsterm_requests_total',
    'counter',
    ['site', 'status_class', 'upstream'],
    'HTTP requests answered, by site, status class (2xx…5xx) and upstream origin (or local).',
  ),
  upstreamErrors: row(
    'tlsterm_upstream_errors_total',
    'counter',
    ['site', 'kind'],
    'Requests the upstream failed (refused, timed out, reset, invalid response), by error code.',
  ),
  bytesReceived: row(
    'tlsterm_bytes_received_total',
    'counter',
    ['listener'],
    'Bytes received from clients on closed connections (TLS records included).',
  ),
  bytesSent: row(
    'tlsterm_bytes_sent_total',
    'counter',
    ['listener'],
    'Bytes sent to clients on closed connections (TLS records included).',
  ),
  certificateNotAfter: row(
    'tlsterm_certificate_not_after_seconds',
    'gauge',
    ['site', 'serial', 'key_type'],
    'Expiry (Unix time) of each certificate in service.',
    'max',
  ),
  ticketKeyAge: row(
    'tlsterm_ticket_key_age_seconds',
    'gauge',
    ['listener'],
    'Age of the ticket key new tickets are issued under.',
    'max',
  ),
  acmeOrders: row(
    'tlsterm_acme_orders',
    'gauge',
    ['site', 'state'],
    'ACME certificate state per site (1 for the state it is in).',
    'max',
  ),
  workerRestarts: row(
    'tlsterm_worker_restarts_total',
    'counter',
    [],
    'Workers the primary restarted after they died.',
  ),
  stateBackendUp: row(
    'tlsterm_state_backend_up',
    'gauge',
    ['backend'],
    'Whether the shared state backend (sessions, ticket keys) answers: 1 up, 0 down.',
    'max',
  ),
  keylogActive: row(
    'tlsterm_keylog_active',
    'gauge',
    [],
    'Whether TLS secrets are being written to a key log file (1) or not (0).',
    'max',
  ),
  workers: row(
    'tlsterm_workers',
    'gauge',
    ['answer'],
    'Workers asked for this scrape, by whether they answered in time (ok) or not (silent).',
  ),
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;

/** Handshake duration buckets (seconds): a loopback resumption to a slow mobile client. */
export const HANDSHAKE_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
