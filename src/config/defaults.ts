// Defaults, the state directory, and the plan `tlsterm serve` runs when there is no config file.

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { loadCertificatePair } from '../certs/load-pair.ts';
import { ensureLocalCertificates } from '../certs/local-ca.ts';
import { Errors, TlstermError } from '../errors.ts';
import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS } from '../http/limits.ts';
import { RESUMPTION_DEFAULTS } from '../state/settings.ts';
import { resolvePolicy } from '../tls/policy.ts';
import type { Plan } from './plan.ts';

export const DEFAULTS = {
  port: 8443,
  host: 'localhost',
  handshakeTimeoutMs: DEFAULT_TIMEOUTS.handshakeMs,
  /** A post-quantum ClientHello is ~2 KiB; 32 KiB leaves room for large ones and still bounds memory. */
  maxClientHelloBytes: 32_768,
  alpn: ['h2', 'http/1.1'] as readonly string[],
  connectTimeoutMs: 5_000,
  responseTimeoutMs: 60_000,
  /** TCP relays (passthrough, TLS-to-TCP): nginx stream's proxy_timeout default. */
  tcpIdleTimeoutMs: 600_000,
  localNames: ['localhost', '127.0.0.1', '::1'] as readonly string[],
  /** Old workers finish their connections within this after a reload or SIGTERM (nginx: worker_shutdown_timeout). */
  drainTimeoutMs: 30_000,
} as const;

/** $TLSTERM_STATE_DIR, else $XDG_STATE_HOME/tlsterm, else ~/.local/state/tlsterm. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['TLSTERM_STATE_DIR']) return path.resolve(env['TLSTERM_STATE_DIR']);
  if (env['XDG_STATE_HOME']) return path.join(path.resolve(env['XDG_STATE_HOME']), 'tlsterm');
  return path.join(os.homedir(), '.local', 'state', 'tlsterm');
}

/**
 * The zero-config plan: one listener on localhost:8443 serving the `inspect` handler for localhost,
 * 127.0.0.1 and ::1 with a certificate from the local CA (created on first use). Start-up code: throws
 * a TlstermError when the state directory is unusable.
 */
export async function buildDefaultPlan(stateDir: string): Promise<Plan> {
  const local = await ensureLocalCertificates(stateDir, DEFAULTS.localNames);
  const caPem = await readFile(local.caCertPath, 'utf8');
  const loaded = await loadCertificatePair(local.leafCertPath, local.leafKeyPath, { extraCa: [caPem] });
  const { policy } = resolvePolicy({});
  if (!loaded.pair || !policy) {
    const why =
      [...loaded.problems].find((p) => p.severity === 'error')?.message ?? 'default TLS policy rejected';
    throw new TlstermError(Errors.stateDir(stateDir, why));
  }
  return {
    source: '(built-in default)',
    stateDir,
    httpListeners: [],
    extraCa: [],
    workers: 'auto',
    drainTimeoutMs: DEFAULTS.drainTimeoutMs,
    state: { backend: 'memory' },
    listeners: [
      {
        name: 'default',
        host: DEFAULTS.host,
        port: DEFAULTS.port,
        policy,
        strictSni: false,
        handshakeTimeoutMs: DEFAULTS.handshakeTimeoutMs,
        timeouts: DEFAULT_TIMEOUTS,
        limits: DEFAULT_LIMITS,
        maxClientHelloBytes: DEFAULTS.maxClientHelloBytes,
        resumption: RESUMPTION_DEFAULTS,
        sites: [
          {
            id: 'listeners[0].sites[0]',
            hosts: [...DEFAULTS.localNames],
            isDefault: true,
            mode: 'terminate',
            certificates: [loaded.pair],
            policy,
            handler: { kind: 'inspect' },
            alpn: [...DEFAULTS.alpn],
          },
        ],
      },
    ],
  };
}
