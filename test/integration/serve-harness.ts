// Starts a real `tlsterm serve -c FILE` process on an ephemeral port and collects its JSON log.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Pki } from '../helpers/pki.ts';

export interface ServeProcess {
  readonly port: number;
  /** The primary's pid. */
  readonly pid: number;
  /** Send a signal to the primary (e.g. SIGHUP to reload). */
  signal(signal: NodeJS.Signals): void;
  readonly events: Record<string, unknown>[];
  /** What the primary (and its workers) wrote on stderr so far. */
  stderr(): string;
  waitFor(
    pred: (e: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

/** A config's first lines without a state_dir: `rootPath` trusted, and the `listeners:` key. */
export const trustHead = (rootPath: string): string => `extra_ca: [${rootPath}]
listeners:
`;

/** A config's first lines: state under `dir`, `rootPath` trusted, and the `listeners:` key. */
export const configHead = (dir: string, rootPath: string): string => `state_dir: ${dir}/state
${trustHead(rootPath)}`;

/** One `sites:` entry: the inspect handler for example.test on the PKI's ECDSA chain. */
export const inspectSite = (pki: Pki): string => `      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`;

/**
 * The smallest serve config most tests start from: state under `dir`, the PKI's root trusted, one
 * listener on an ephemeral port (plus `listenerLines`, 4-space indented) with {@link inspectSite}.
 */
export const inspectConfig = (
  dir: string,
  pki: Pki,
  listenerLines = '',
): string => `${configHead(dir, pki.rootPath)}  - address: 127.0.0.1:0
${listenerLines}    sites:
${inspectSite(pki)}`;

export async function startServe(
  dir: string,
  yaml: string,
  /** Extra `serve` arguments, e.g. ['--workers', '2']. */
  args: readonly string[] = [],
  fileName = 'tlsterm.yaml',
  /** The event that says it started (the admin tests look in before the workers listen). */
  startedEvent = 'started',
  /** Added to the environment (e.g. TLSTERM_MALLOC). */
  env: Readonly<Record<string, string>> = {},
): Promise<ServeProcess> {
  const file = path.join(dir, fileName);
  writeFileSync(file, yaml);
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '-c', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const events: Record<string, unknown>[] = [];
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    let nl = out.indexOf('\n');
    while (nl >= 0) {
      events.push(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      out = out.slice(nl + 1);
      nl = out.indexOf('\n');
    }
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters) w();
  });
  const waitFor = (pred: (e: Record<string, unknown>) => boolean, timeoutMs = 5000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const hit = events.find(pred);
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`no matching log event; stderr: ${err}; events: ${JSON.stringify(events).slice(-2000)}`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  // A start that does not finish in time must not leave the server running: its pipes would keep
  // the test process alive after the test failed (seen under load, with the suite hanging).
  const started = await waitFor((e) => e['event'] === startedEvent, 20_000).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const listeners = (started['listeners'] ?? []) as { port: number }[];
  return {
    port: listeners[0]?.port ?? 0,
    pid: child.pid ?? 0,
    signal: (signal) => child.kill(signal),
    events,
    stderr: () => err,
    waitFor,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** openssl s_client with stdin closed; returns its combined output. */
export function sClient(port: number, args: readonly string[]): string {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], {
    input: '',
    timeout: 8000,
    encoding: 'utf8',
  });
  return `${r.stdout}${r.stderr}`;
}
