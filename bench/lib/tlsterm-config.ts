// tlsterm as a proxy under test (terminating TLS, or passing it through), in the configuration shape
// of `tlsterm serve -c`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchCerts } from './certs.ts';
import { tlsSettings } from './tls-settings.ts';

export interface TlstermLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** Config keys the launched tree knows: the bench must run against trees from before they existed. */
export interface TlstermFeatures {
  /** `workers:` (cluster): the bench pins one worker, as nginx and HAProxy have one. */
  readonly workers: boolean;
  /** `listeners[].session:` (session cache and tickets). */
  readonly session: boolean;
  /** `listeners[].limits:`: the bench's thousands of connections come from one address. */
  readonly limits?: boolean;
  /** `pools:` and `routes:` (L7 routing). */
  readonly routes?: boolean;
  /** `sites[].alpn:` (the HTTP/2 front: trees without the key offer what they offer). */
  readonly alpn?: boolean;
  /** `single_process:` (the primary serves, no worker process). */
  readonly singleProcess?: boolean;
  /** `listeners[].reuse_port:` (each worker binds its own SO_REUSEPORT socket). */
  readonly reusePort?: boolean;
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads the tree's own config schema (start-up code: a tree without one is not tlsterm). */
export async function tlstermFeatures(repo: string): Promise<TlstermFeatures> {
  type Entries = { readonly entries: Record<string, unknown> };
  const schema = (await import(pathToFileURL(join(repo, 'src', 'config', 'schema.ts')).href)) as {
    ConfigSchema: Entries;
    ListenerSchema: Entries;
    SiteSchema?: Entries;
  };
  return {
    workers: 'workers' in schema.ConfigSchema.entries,
    session: 'session' in schema.ListenerSchema.entries,
    limits: 'limits' in schema.ListenerSchema.entries,
    routes: 'pools' in schema.ConfigSchema.entries,
    alpn: schema.SiteSchema !== undefined && 'alpn' in schema.SiteSchema.entries,
    singleProcess: 'single_process' in schema.ConfigSchema.entries,
    reusePort: 'reuse_port' in schema.ListenerSchema.entries,
  };
}

export interface TlstermTree {
  /** Which tree's bin/tlsterm runs (default: this repository). */
  readonly repo?: string;
  readonly features?: TlstermFeatures;
  /** The L7 variant: 10 routes, the request matching the last, to a pool of 3 servers, a rate limit. */
  readonly l7?: boolean;
  /** Serving processes (default 1, as nginx's one worker); needs the `workers` feature. */
  readonly workers?: number;
  /** Offer h2 first by ALPN, then http/1.1 (the HTTP/2 front), where the tree has the key. */
  readonly http2?: boolean;
  /** `single_process: true`; needs the `singleProcess` feature. */
  readonly singleProcess?: boolean;
  /** `reuse_port: true` on the listener; needs the `reusePort` feature. */
  readonly reusePort?: boolean;
  /** `log: { level }` (bench/pairs.ts: `warning` writes no handshake or access line). */
  readonly logLevel?: 'debug' | 'info' | 'warning' | 'error';
}

export function tlstermConfig(
  prefix: string,
  port: number,
  backendPort: number,
  certs: BenchCerts,
  tree: TlstermTree = {},
): TlstermLaunch {
  mkdirSync(join(prefix, 'state'), { recursive: true });
  const conf = join(prefix, 'tlsterm.yaml');
  const repo = tree.repo ?? repoRoot;
  const backend = `http://127.0.0.1:${backendPort}`;
  // Nine routes the bench's requests do not match (prefix, exact, header), then the one they do.
  const l7Routes = [
    ...Array.from({ length: 3 }, (_, i) => ({ match: { path_prefix: `/api${i}/` }, pool: 'app' })),
    ...Array.from({ length: 3 }, (_, i) => ({ match: { path: `/ping${i}` }, respond: { body: 'pong' } })),
    ...Array.from({ length: 3 }, (_, i) => ({ match: { header: { 'x-canary': String(i) } }, pool: 'app' })),
    { match: { path_prefix: '/' }, pool: 'app' },
  ];
  // JSON is valid YAML, and JSON.stringify quotes paths safely.
  const config = {
    state_dir: join(prefix, 'state'),
    // One serving process next to nginx's one worker (its idle primary is counted as nginx's master is).
    ...(tree.features?.workers === true ? { workers: tree.workers ?? 1 } : {}),
    ...(tree.singleProcess === true && tree.features?.singleProcess === true ? { single_process: true } : {}),
    // tlsterm checks the served chain up to a trusted root at start-up; the bench root is private.
    extra_ca: [certs.ca],
    ...(tree.l7 === true ? { pools: { app: { servers: [backend, backend, backend] } } } : {}),
    ...(tree.logLevel === undefined ? {} : { log: { level: tree.logLevel } }),
    listeners: [
      {
        name: 'bench',
        address: `127.0.0.1:${port}`,
        ...(tree.reusePort === true && tree.features?.reusePort === true ? { reuse_port: true } : {}),
        tls: { profile: 'intermediate', groups: [...tlsSettings.groups] },
        // As nginx's `ssl_session_cache shared:SSL:10m; ssl_session_tickets on;` (also the defaults).
        ...(tree.features?.session === true ? { session: { cache: true, tickets: true } } : {}),
        // Every bench client is 127.0.0.1: no per-client bound (nginx has none by default either).
        ...(tree.features?.limits === true ? { limits: { max_connections_per_client: 0 } } : {}),
        sites: [
          {
            hosts: [certs.hostname],
            default: true,
            certificates: [{ cert: certs.fullchain, key: certs.key }],
            upstream: backend,
            // The default already, stated: the h2 scenarios compare HTTP/2 fronts.
            ...(tree.http2 === true && tree.features?.alpn === true ? { alpn: ['h2', 'http/1.1'] } : {}),
            // A per-client rate limit that never refuses: the bucket is looked up and taken from on
            // every request, and batches are relayed to the primary, as with a real limit.
            ...(tree.l7 === true
              ? { routes: l7Routes, rate_limit: { key: 'client_ip', rate: '1000000/s', burst: 1_000_000 } }
              : {}),
          },
        ],
      },
    ],
  };
  writeFileSync(conf, `${JSON.stringify(config, null, 2)}\n`);
  // The same Node that runs the bench (Node 24), not whatever `node` is first on PATH.
  return {
    command: process.execPath,
    args: [join(repo, 'bin', 'tlsterm'), 'serve', '-c', conf],
    cwd: repo,
  };
}

/**
 * tlsterm as the passthrough proxy under test: one `mode: passthrough` site for the bench host name,
 * relaying to the TLS backend. `strict_sni` refuses other names, as HAProxy's SNI rule does.
 */
export function tlstermPassthroughConfig(
  prefix: string,
  port: number,
  backendPort: number,
  hostname: string,
  tree: TlstermTree = {},
): TlstermLaunch {
  const repo = tree.repo ?? repoRoot;
  mkdirSync(join(prefix, 'state'), { recursive: true });
  const conf = join(prefix, 'tlsterm-passthrough.yaml');
  const config = {
    state_dir: join(prefix, 'state'),
    ...(tree.features?.workers === true ? { workers: 1 } : {}),
    listeners: [
      {
        name: 'bench-passthrough',
        address: `127.0.0.1:${port}`,
        strict_sni: true,
        sites: [{ hosts: [hostname], mode: 'passthrough', upstream: `tcp://127.0.0.1:${backendPort}` }],
      },
    ],
  };
  writeFileSync(conf, `${JSON.stringify(config, null, 2)}\n`);
  return {
    command: process.execPath,
    args: [join(repo, 'bin', 'tlsterm'), 'serve', '-c', conf],
    cwd: repo,
  };
}
