// The servers under test, in the order of the table's columns.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchCerts } from './certs.ts';
import { haproxyConfig } from './haproxy-config.ts';
import { nginxProxyConfig } from './nginx-config.ts';
import type { ServerSpec } from './server-process.ts';
import { tlstermConfig } from './tlsterm-config.ts';

export type ContenderName = 'tlsterm' | 'nginx' | 'haproxy';

export interface Contender {
  readonly name: ContenderName;
  /** The binary that must be installed, if any. */
  readonly binary?: string;
  spec(dir: string, port: number, backendPort: number, certs: BenchCerts): ServerSpec;
}

export function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$0"', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const contenders: readonly Contender[] = [
  {
    name: 'tlsterm',
    spec(dir, port, backendPort, certs) {
      const launch = tlstermConfig(join(dir, 'tlsterm'), port, backendPort, certs);
      // One JSON log line per connection/request: discarded so logging to a terminal is not measured.
      return { name: 'tlsterm', ...launch, port, stdoutPath: '/dev/null' };
    },
  },
  {
    name: 'nginx',
    binary: 'nginx',
    spec(dir, port, backendPort, certs) {
      const launch = nginxProxyConfig(join(dir, 'nginx'), port, backendPort, certs);
      return { name: 'nginx', command: launch.command, args: launch.args, port };
    },
  },
  {
    name: 'haproxy',
    binary: 'haproxy',
    spec(dir, port, backendPort, certs) {
      return { name: 'haproxy', ...haproxyConfig(join(dir, 'haproxy'), port, backendPort, certs), port };
    },
  },
];
