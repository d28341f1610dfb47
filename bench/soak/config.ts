// The tlsterm config the soak writes. Bounds (listener `timeouts:` / `limits:`) are written only for
// the keys the tree's own schema knows, so the soak runs on trees from before and after they exist,
// and the report says which bounds were in force rather than assuming them.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchCerts } from '../lib/certs.ts';

export type Bounds = 'short' | 'defaults' | 'unbounded';

/** The bounds the soak asks for in its short phases (small so a 10-minute run sees them act). */
export const SHORT_TIMEOUTS: Readonly<Record<string, string>> = {
  handshake: '5s',
  header: '5s',
  body: '5s',
  send: '5s',
  keepalive: '10s',
  tunnel_idle: '10s',
  h2_idle: '10s',
};
export const SHORT_LIMITS: Readonly<Record<string, string | number>> = {
  max_body: '1m',
  h2_max_streams: 32,
  max_connections: 3000,
  max_connections_per_client: 500,
};
/** For runs that must hold thousands of connections from few addresses (the RSS experiment). */
export const WIDE_LIMITS: Readonly<Record<string, number>> = {
  max_connections: 20_000,
  max_connections_per_client: 10_000,
};

/** Keys of the listener's nested objects the tree knows: e.g. { timeouts: [...], limits: [...] }. */
export interface ListenerKeys {
  readonly listener: readonly string[];
  readonly timeouts: readonly string[];
  readonly limits: readonly string[];
}

interface Node {
  readonly type?: string;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly wrapped?: unknown;
  readonly options?: readonly unknown[];
}

function entriesOf(schema: unknown): string[] {
  let node = schema as Node | undefined;
  for (let i = 0; i < 8 && node !== undefined; i++) {
    if (node.entries !== undefined) return Object.keys(node.entries);
    if (node.wrapped !== undefined) node = node.wrapped as Node;
    else if (node.options !== undefined) node = node.options.find((o) => (o as Node).entries) as Node;
    else return [];
  }
  return [];
}

/** Start-up code: reads the schema of the tree at `repo`. */
export async function listenerKeys(repo: string): Promise<ListenerKeys> {
  const schema = (await import(pathToFileURL(join(repo, 'src', 'config', 'schema.ts')).href)) as {
    ListenerSchema: { entries: Record<string, unknown> };
  };
  const entries = schema.ListenerSchema.entries;
  return {
    listener: Object.keys(entries),
    timeouts: entriesOf(entries.timeouts),
    limits: entriesOf(entries.limits),
  };
}

function pick<T>(wanted: Readonly<Record<string, T>>, known: readonly string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(wanted).filter(([k]) => known.includes(k)));
}

/** What the listener gets for `bounds`: pure, so the test can check the known/unknown key handling. */
export function listenerBounds(bounds: Bounds, keys: ListenerKeys): Record<string, unknown> {
  if (bounds === 'defaults') return {};
  const out: Record<string, unknown> = {};
  const limits = pick<string | number>(bounds === 'short' ? SHORT_LIMITS : WIDE_LIMITS, keys.limits);
  if (bounds === 'short') {
    const timeouts = pick(SHORT_TIMEOUTS, keys.timeouts);
    if (Object.keys(timeouts).length > 0) out.timeouts = timeouts;
    // Trees from before `timeouts:` know only the handshake one, at the listener's level.
    else if (keys.listener.includes('handshake_timeout')) out.handshake_timeout = SHORT_TIMEOUTS.handshake;
  }
  if (Object.keys(limits).length > 0) out.limits = limits;
  return out;
}

export interface SoakConfig {
  readonly dir: string;
  readonly port: number;
  readonly upstreamPort: number;
  readonly certs: BenchCerts;
  readonly workers: number;
  readonly keys: ListenerKeys;
}

/** Writes (or rewrites, for a reload) the config; returns its path. */
export function writeSoakConfig(c: SoakConfig, bounds: Bounds): string {
  mkdirSync(join(c.dir, 'state'), { recursive: true });
  const path = join(c.dir, 'tlsterm.yaml');
  const config = {
    state_dir: join(c.dir, 'state'),
    workers: c.workers,
    extra_ca: [c.certs.ca],
    listeners: [
      {
        name: 'soak',
        address: `127.0.0.1:${c.port}`,
        ...listenerBounds(bounds, c.keys),
        sites: [
          {
            hosts: [c.certs.hostname],
            default: true,
            certificates: [{ cert: c.certs.fullchain, key: c.certs.key }],
            upstream: `http://127.0.0.1:${c.upstreamPort}`,
          },
        ],
      },
    ],
  };
  // JSON is YAML; written whole and at once so a reload never reads half a file.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}
