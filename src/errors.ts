// One catalogue of coded errors (in the manner of undici's UND_ERR_* and fastify's FST_ERR_*).
// Every error carries a code a script can match, a message that says what happened, and a hint
// that says what to do. Data-path code returns these as values; only start-up code throws them.

export interface ErrorSpec {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

export class TlstermError extends Error {
  readonly code: string;
  readonly hint: string;
  constructor(spec: ErrorSpec, options?: { cause?: unknown }) {
    super(spec.message, options);
    this.name = 'TlstermError';
    this.code = spec.code;
    this.hint = spec.hint;
  }
}

const define =
  <A extends unknown[]>(code: string, make: (...args: A) => { message: string; hint: string }) =>
  (...args: A): ErrorSpec => ({ code, ...make(...args) });

export const Errors = {
  usage: define('TLSTERM_ERR_USAGE', (message: string, hint: string = 'run `tlsterm --help`') => ({
    message,
    hint,
  })),
  listen: define(
    'TLSTERM_ERR_LISTEN',
    (
      address: string,
      why: string,
      hint: string = 'pick a free port, or stop whatever holds it (ports below 1024 need privileges)',
    ) => ({
      message: `cannot listen on ${address}: ${why}`,
      hint,
    }),
  ),
  stateDir: define('TLSTERM_ERR_STATE_DIR', (dir: string, why: string) => ({
    message: `cannot use state directory ${dir}: ${why}`,
    hint: 'pass --state-dir DIR or set TLSTERM_STATE_DIR to a writable directory',
  })),
  upstreamUnsupported: define('TLSTERM_ERR_UPSTREAM_URL', (url: string, why: string) => ({
    message: `cannot proxy to ${url}: ${why}`,
    hint: 'use http://host:port (edge), https://host:port with its TLS settings (re-encryption) or tcp://host:port (TLS-to-TCP)',
  })),
  // Probe (src/probe): what stops a scan before it starts.
  probeTarget: define('TLSTERM_ERR_PROBE_TARGET', (target: string, why: string) => ({
    message: `cannot probe "${target}": ${why}`,
    hint: 'give HOST[:PORT], e.g. `tlsterm probe example.com` or `tlsterm probe 127.0.0.1:8443` ([::1]:443 for IPv6)',
  })),
  probeResolve: define('TLSTERM_ERR_PROBE_RESOLVE', (host: string, code: string) => ({
    message: `cannot resolve ${host} (${code})`,
    hint: 'check the spelling and your DNS; an IP address with --sni NAME skips the lookup',
  })),
  probeConnect: define('TLSTERM_ERR_PROBE_CONNECT', (target: string, code: string) => ({
    message: `cannot connect to ${target} (${code})`,
    hint: 'check that the server is running and the port is right; nothing was probed',
  })),
  probeCaFile: define('TLSTERM_ERR_PROBE_CA', (file: string, why: string) => ({
    message: `cannot use --ca ${file}: ${why}`,
    hint: 'give a PEM file holding the CA certificate(s) to trust (BEGIN CERTIFICATE blocks)',
  })),
  // trace / decrypt (src/trace).
  traceTarget: define('TLSTERM_ERR_TRACE_TARGET', (given: string) => ({
    message: `"${given}" is not HOST:PORT`,
    hint: 'write it like example.com:443, 127.0.0.1:8443 or [::1]:8443',
  })),
  traceConnect: define('TLSTERM_ERR_TRACE_CONNECT', (target: string, why: string) => ({
    message: `cannot connect to ${target}: ${why}`,
    hint: 'check the host and port, and that something listens there (`tlsterm probe` tells more)',
  })),
  captureUnreadable: define('TLSTERM_ERR_CAPTURE', (file: string, why: string) => ({
    message: `cannot read capture ${file}: ${why}`,
    hint: 'give a .pcap or .pcapng file, e.g. from `tcpdump -w` or `dumpcap -w`',
  })),
  keyLogUnreadable: define('TLSTERM_ERR_KEYLOG', (file: string, why: string) => ({
    message: `cannot read key log ${file}: ${why}`,
    hint: 'a key log is what SSLKEYLOGFILE, `openssl s_client -keylogfile` or `tlsterm serve` (keylog:) write',
  })),
  privateKeyUnreadable: define('TLSTERM_ERR_PRIVATE_KEY', (file: string, why: string) => ({
    message: `cannot use private key ${file}: ${why}`,
    hint: "give the server's unencrypted PEM private key (the one its certificate was issued for)",
  })),
  // Shared TLS state (src/state).
  stateRedisUrl: define('TLSTERM_ERR_STATE_URL', (why: string) => ({
    message: `cannot use the Redis state backend: ${why}`,
    hint: 'write state.url like redis://host:6379, rediss://host:6380 (TLS) or rediss://user:password@host:6380/0',
  })),
  resumptionSettings: define('TLSTERM_ERR_RESUMPTION', (why: string) => ({
    message: `resumption settings: ${why}`,
    hint: 'e.g. a session cache of 20000 sessions, timeout 5m, ticket keys rotated every 1h and kept 5m longer (docs/resumption.md)',
  })),
} as const;
