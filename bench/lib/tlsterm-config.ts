// tlsterm as a proxy under test (terminating TLS, or passing it through), in the configuration shape
// of `tlsterm serve -c`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCerts } from './certs.ts';
import { tlsSettings } from './tls-settings.ts';

export interface TlstermLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function tlstermConfig(
  prefix: string,
  port: number,
  backendPort: number,
  certs: BenchCerts,
): TlstermLaunch {
  mkdirSync(join(prefix, 'state'), { recursive: true });
  const conf = join(prefix, 'tlsterm.yaml');
  // JSON is valid YAML, and JSON.stringify quotes paths safely.
  const config = {
    state_dir: join(prefix, 'state'),
    // tlsterm checks the served chain up to a trusted root at start-up; the bench root is private.
    extra_ca: [certs.ca],
    listeners: [
      {
        name: 'bench',
        address: `127.0.0.1:${port}`,
        tls: { profile: 'intermediate', groups: [...tlsSettings.groups] },
        sites: [
          {
            hosts: [certs.hostname],
            default: true,
            certificates: [{ cert: certs.fullchain, key: certs.key }],
            upstream: `http://127.0.0.1:${backendPort}`,
          },
        ],
      },
    ],
  };
  writeFileSync(conf, `${JSON.stringify(config, null, 2)}\n`);
  // The same Node that runs the bench (Node 24), not whatever `node` is first on PATH.
  return {
    command: process.execPath,
    args: [join(repoRoot, 'bin', 'tlsterm'), 'serve', '-c', conf],
    cwd: repoRoot,
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
): TlstermLaunch {
  mkdirSync(join(prefix, 'state'), { recursive: true });
  const conf = join(prefix, 'tlsterm-passthrough.yaml');
  const config = {
    state_dir: join(prefix, 'state'),
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
    args: [join(repoRoot, 'bin', 'tlsterm'), 'serve', '-c', conf],
    cwd: repoRoot,
  };
}
