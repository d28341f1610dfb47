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
  nodeTooOld: define('TLSTERM_ERR_NODE_VERSION', (found: string) => ({
    message: `tlsterm needs Node.js 24 or newer; this is Node ${found}`,
    hint: 'install Node 24 (or run scripts/bootstrap, which fetches it)',
  })),
  usage: define('TLSTERM_ERR_USAGE', (message: string, hint: string = 'run `tlsterm --help`') => ({
    message,
    hint,
  })),
  configInvalid: define('TLSTERM_ERR_CONFIG', (count: number, file: string) => ({
    message: `${file}: ${count} problem${count === 1 ? '' : 's'} in the configuration`,
    hint: 'fix the problems listed above; `tlsterm check -c FILE` lists them without starting',
  })),
  configUnreadable: define('TLSTERM_ERR_CONFIG_READ', (file: string, why: string) => ({
    message: `cannot read config ${file}: ${why}`,
    hint: 'check the path and permissions, or run `tlsterm serve` without -c for the embedded default',
  })),
  listen: define('TLSTERM_ERR_LISTEN', (address: string, why: string) => ({
    message: `cannot listen on ${address}: ${why}`,
    hint: 'pick a free port, or stop whatever holds it (ports below 1024 need privileges)',
  })),
  stateDir: define('TLSTERM_ERR_STATE_DIR', (dir: string, why: string) => ({
    message: `cannot use state directory ${dir}: ${why}`,
    hint: 'pass --state-dir DIR or set TLSTERM_STATE_DIR to a writable directory',
  })),
  // Wire (src/wire/sniff.ts verdicts, reported per connection by whoever accepts it).
  notTls: define('TLSTERM_ERR_NOT_TLS', (peer: string, detail: string) => ({
    message: `${peer} did not start a TLS handshake (${detail})`,
    hint: 'the client is speaking another protocol to a TLS port: use https:// or the right port',
  })),
  clientHelloMalformed: define('TLSTERM_ERR_CLIENT_HELLO', (peer: string, detail: string) => ({
    message: `malformed ClientHello from ${peer}: ${detail}`,
    hint: 'the client (or a middlebox in between) sent broken TLS; `openssl s_client -msg` shows what it sends',
  })),
  upstreamUnsupported: define('TLSTERM_ERR_UPSTREAM_URL', (url: string, why: string) => ({
    message: `cannot proxy to ${url}: ${why}`,
    hint: 'use an http:// upstream such as http://127.0.0.1:8080 (TLS to the upstream is not supported yet)',
  })),
} as const;
