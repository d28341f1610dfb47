// The servers under test, in the order of the tables' columns: those that terminate TLS (tlsterm,
// nginx, HAProxy, and Node's floor), and those that pass it through. BENCH_CONTENDERS picks a subset;
// BENCH_BASELINE adds a second tlsterm from another tree, so a change can be measured against the
// code before it in the same interleaved run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCerts } from './certs.ts';
import { haproxyConfig, haproxyPassthroughConfig } from './haproxy-config.ts';
import { nginxProxyConfig } from './nginx-config.ts';
import type { ServerSpec } from './server-process.ts';
import { type TlstermFeatures, tlstermConfig, tlstermPassthroughConfig } from './tlsterm-config.ts';

export type ContenderName =
  | 'tlsterm'
  | 'tlsterm-base'
  | 'tlsterm-l7'
  | 'tlsterm-w2'
  | 'tlsterm-w2rp'
  | 'tlsterm-1p'
  | 'nginx'
  | 'nginx-w2'
  | 'nginx-w2rp'
  | 'haproxy'
  | 'node-tls'
  | 'node-peek'
  | 'node-pipe'
  | 'node-proxy'
  | 'node-h2'
  | 'node-h2-proxy';

/** Everything a contender's launch may depend on. */
export interface ContenderContext {
  readonly dir: string;
  readonly port: number;
  /** The plain-HTTP backend when terminating, the TLS backend when passing through. */
  readonly backendPort: number;
  readonly certs: BenchCerts;
  /** The backend's document root (the floor server answers from it). */
  readonly root: string;
}

export interface Contender {
  readonly name: ContenderName;
  /** The binary that must be installed, if any. */
  readonly binary?: string;
  /** Shown under the table: what this column is. */
  readonly about?: string;
  spec(ctx: ContenderContext): ServerSpec;
}

export function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$0"', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tlsterm(
  name: 'tlsterm' | 'tlsterm-base' | 'tlsterm-l7' | 'tlsterm-w2' | 'tlsterm-w2rp' | 'tlsterm-1p',
  repo: string,
  features: TlstermFeatures,
  http2 = false,
): Contender {
  const l7 = name === 'tlsterm-l7';
  const reusePort = name === 'tlsterm-w2rp';
  const workers = name === 'tlsterm-w2' || reusePort ? 2 : 1;
  const singleProcess = name === 'tlsterm-1p';
  return {
    name,
    ...(name === 'tlsterm-base' ? { about: `tlsterm from ${repo} (BENCH_BASELINE)` } : {}),
    ...(l7
      ? { about: 'tlsterm with 10 routes (requests match the last) and a pool of 3 servers (round robin)' }
      : {}),
    ...(workers > 1
      ? {
          about: `tlsterm with workers: ${workers}${reusePort ? ' and reuse_port: true (a socket per worker)' : ''} (the same config otherwise)`,
        }
      : {}),
    ...(singleProcess
      ? { about: 'tlsterm with single_process: true (the primary serves: one process, no worker)' }
      : {}),
    spec({ dir, port, backendPort, certs }) {
      const tree = { repo, features, l7, workers, http2, singleProcess, reusePort };
      const launch = tlstermConfig(join(dir, name), port, backendPort, certs, tree);
      // One JSON log line per connection/request: discarded so logging to a terminal is not measured.
      // Primed: the measured start finds this tree's modules in Node's compile cache.
      return { name, ...launch, port, stdoutPath: '/dev/null', primeStart: true };
    },
  };
}

const FLOOR_ABOUT = {
  'node-tls':
    "Node's floor: a bare tls.createServer (same certificate and TLS settings, no tlsterm code) answering the requests itself, without proxying",
  'node-peek':
    'node-tls behind a net.Server that reads the ClientHello record in JS and hands the socket over, as tlsterm accepts (no parsing): the floor of reading the hello first',
  'node-pipe':
    'a bare tls.createServer piping each connection to its own backend connection (no HTTP parsing, no pooling)',
  'node-proxy':
    "Node's proxy floor: node-peek forwarding each request over pooled keep-alive backend sockets, as tlsterm proxies (bench/lib/http1-proxy-floor.ts: no header policy, no logging, no timeouts)",
} as const;

/**
 * How a floor (a TypeScript file of the bench) starts: primed, with a compile cache of its own, so the
 * start that is measured loads no type stripper (~22 MiB: node-proxy idle 78.6 MiB without the
 * cache, 56.9 MiB with it), as tlsterm's measured start does not.
 */
const floorStart = (dir: string): Pick<ServerSpec, 'primeStart' | 'env'> => ({
  primeStart: true,
  env: { NODE_COMPILE_CACHE: join(dir, 'floor-compile-cache') },
});

function floor(
  name: 'node-tls' | 'node-peek' | 'node-pipe' | 'node-proxy',
  mode: 'answer' | 'pipe' | 'proxy',
): Contender {
  const peek = name === 'node-peek' || name === 'node-proxy';
  return {
    name,
    about: FLOOR_ABOUT[name],
    spec({ dir, port, backendPort, certs, root }) {
      const options = { mode, port, cert: certs.fullchain, key: certs.key, root, backendPort, peek };
      return {
        name,
        command: process.execPath,
        args: [join(benchDir, 'floor-server.ts'), JSON.stringify(options)],
        port,
        ...floorStart(dir),
      };
    },
  };
}

/** One of Node's HTTP/2 floors: a bench script started with the certificate and its own inputs. */
function h2Floor(name: 'node-h2' | 'node-h2-proxy', script: string, about: string): Contender {
  return {
    name,
    about,
    spec({ dir, port, backendPort, certs, root }) {
      // Each script reads what it needs: node-h2 the document root, node-h2-proxy the backend.
      const options = { port, cert: certs.fullchain, key: certs.key, root, backendPort };
      return {
        name,
        command: process.execPath,
        args: [join(benchDir, script), JSON.stringify(options)],
        port,
        ...floorStart(dir),
      };
    },
  };
}

/** Node's HTTP/2 floor: a bare node:http2 secure server answering /1k itself (bench/h2-floor-server.ts). */
const nodeH2 = h2Floor(
  'node-h2',
  'h2-floor-server.ts',
  "Node's HTTP/2 floor: a bare node:http2 createSecureServer (same certificate and TLS settings, ALPN h2, no tlsterm code) answering the requests itself, without proxying",
);

/** Node's floor for an h2 → HTTP/1.1 proxy: node:http2 forwarding each stream over pooled sockets. */
const nodeH2Proxy = h2Floor(
  'node-h2-proxy',
  'h2-proxy-floor-server.ts',
  "Node's HTTP/2 proxy floor: a bare node:http2 server forwarding each stream as an HTTP/1.1 request over pooled keep-alive sockets to the same backend (bench/h2-proxy-floor-server.ts: no logging, no header policy, no timeouts)",
);

function nginx(name: 'nginx' | 'nginx-w2' | 'nginx-w2rp', http2 = false): Contender {
  const reusePort = name === 'nginx-w2rp';
  const workers = name === 'nginx' ? 1 : 2;
  return {
    name,
    binary: 'nginx',
    ...(workers > 1
      ? {
          about: `nginx with worker_processes ${workers}${reusePort ? ' and listen … reuseport' : ''} (the same config otherwise)`,
        }
      : {}),
    spec({ dir, port, backendPort, certs }) {
      const launch = nginxProxyConfig(join(dir, name), port, backendPort, certs, {
        workers,
        http2,
        reusePort,
      });
      return { name, command: launch.command, args: launch.args, port };
    },
  };
}

function haproxy(http2 = false): Contender {
  return {
    name: 'haproxy',
    binary: 'haproxy',
    spec({ dir, port, backendPort, certs }) {
      const launch = haproxyConfig(join(dir, 'haproxy'), port, backendPort, certs, { http2 });
      return { name: 'haproxy', ...launch, port };
    },
  };
}

export interface ContenderChoice {
  /** The tree of the `tlsterm` column (this repository). */
  readonly repo: string;
  readonly features: TlstermFeatures;
  /** BENCH_BASELINE: another tree, run as `tlsterm-base`. */
  readonly baseline?: { readonly repo: string; readonly features: TlstermFeatures };
}

/** TLS termination, in column order. */
export function terminationContenders(choice: ContenderChoice): Contender[] {
  return [
    tlsterm('tlsterm', choice.repo, choice.features),
    ...(choice.baseline === undefined
      ? []
      : [tlsterm('tlsterm-base', choice.baseline.repo, choice.baseline.features)]),
    ...(choice.features.routes === true ? [tlsterm('tlsterm-l7', choice.repo, choice.features)] : []),
    ...(choice.features.workers ? [tlsterm('tlsterm-w2', choice.repo, choice.features)] : []),
    ...(choice.features.reusePort === true ? [tlsterm('tlsterm-w2rp', choice.repo, choice.features)] : []),
    ...(choice.features.singleProcess === true ? [tlsterm('tlsterm-1p', choice.repo, choice.features)] : []),
    nginx('nginx'),
    nginx('nginx-w2'),
    nginx('nginx-w2rp'),
    haproxy(),
    floor('node-tls', 'answer'),
    floor('node-peek', 'answer'),
    floor('node-pipe', 'pipe'),
    floor('node-proxy', 'proxy'),
  ];
}

/**
 * The HTTP/2 front: each offers h2 by ALPN (tlsterm, nginx `listen … ssl http2`, HAProxy `alpn
 * h2,http/1.1`) and proxies to the same plain-HTTP/1.1 backend; node-h2 answers itself, node-h2-proxy
 * is Node's floor for the proxying (requested by name, as the other extra floors). The
 * HTTP/1.1 floors are not here: they cannot speak h2.
 */
export function h2Contenders(choice: ContenderChoice): Contender[] {
  return [
    tlsterm('tlsterm', choice.repo, choice.features, true),
    ...(choice.baseline === undefined
      ? []
      : [tlsterm('tlsterm-base', choice.baseline.repo, choice.baseline.features, true)]),
    nginx('nginx', true),
    haproxy(true),
    nodeH2,
    nodeH2Proxy,
  ];
}

/** Passthrough: SNI routing to the TLS backend, bytes relayed undecrypted. */
export function passthroughContenders(choice: ContenderChoice): Contender[] {
  const relay = (name: 'tlsterm' | 'tlsterm-base', repo: string, features: TlstermFeatures): Contender => ({
    name,
    spec({ dir, port, backendPort, certs }) {
      const tree = { repo, features };
      const launch = tlstermPassthroughConfig(join(dir, name), port, backendPort, certs.hostname, tree);
      // One JSON log line per connection, discarded (and the start primed) as in the termination scenarios.
      return { name, ...launch, port, stdoutPath: '/dev/null', primeStart: true };
    },
  });
  return [
    relay('tlsterm', choice.repo, choice.features),
    ...(choice.baseline === undefined
      ? []
      : [relay('tlsterm-base', choice.baseline.repo, choice.baseline.features)]),
    {
      name: 'haproxy',
      binary: 'haproxy',
      spec({ dir, port, backendPort, certs }) {
        const launch = haproxyPassthroughConfig(join(dir, 'haproxy'), port, backendPort, certs.hostname);
        return { name: 'haproxy', ...launch, port };
      },
    },
  ];
}

export const DEFAULT_CONTENDERS: readonly ContenderName[] = [
  'tlsterm',
  'tlsterm-base',
  'tlsterm-l7',
  'tlsterm-1p',
  'nginx',
  'haproxy',
  'node-tls',
  'node-h2',
];

export type ContenderSelection = { ok: true; value: Set<string> } | { ok: false; error: string };

/** Every contender name, in the tables' column order. */
export const CONTENDER_ORDER: readonly ContenderName[] = [
  'tlsterm',
  'tlsterm-base',
  'tlsterm-l7',
  'tlsterm-w2',
  'tlsterm-w2rp',
  'tlsterm-1p',
  'nginx',
  'nginx-w2',
  'nginx-w2rp',
  'haproxy',
  'node-tls',
  'node-peek',
  'node-pipe',
  'node-proxy',
  'node-h2',
  'node-h2-proxy',
];

/**
 * BENCH_CONTENDERS: comma-separated names; unset means the defaults (node-peek, node-pipe, node-proxy and the
 * two-worker variants only on request). `tlsterm-base` appears only when BENCH_BASELINE is set. Pure.
 */
export function selectContenders(spec: string | undefined): ContenderSelection {
  const known: readonly string[] = CONTENDER_ORDER;
  const words = (spec ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  if (words.length === 0) return { ok: true, value: new Set(DEFAULT_CONTENDERS) };
  const unknown = words.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: `BENCH_CONTENDERS: unknown ${unknown.map((w) => `'${w}'`).join(', ')}; choose from ${known.join(', ')}`,
    };
  }
  return { ok: true, value: new Set(words) };
}

/**
 * Why nginx has no passthrough column: passing TLS through needs its stream module (`ssl_preread`),
 * which nginx-light lacks; where the module is installed, this bench still does not configure it.
 */
export function nginxPassthroughReason(): string {
  let configure = '';
  try {
    configure = execFileSync('sh', ['-c', 'nginx -V 2>&1'], { encoding: 'utf8' });
  } catch {
    return 'nginx is not installed';
  }
  const modules = /--modules-path=(\S+)/.exec(configure)?.[1] ?? '/usr/lib/nginx/modules';
  const hasStream =
    /--with-stream(\s|$)/.test(configure) || existsSync(join(modules, 'ngx_stream_module.so'));
  return hasStream
    ? 'not a passthrough contender in this bench (its stream module is not configured here)'
    : 'cannot pass TLS through: this nginx has no stream module (as with nginx-light); it is the TLS backend instead';
}
