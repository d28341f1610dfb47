// The servers under test, in the order of the tables' columns: three that terminate TLS, and two
// that pass it through.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCerts } from './certs.ts';
import { haproxyConfig, haproxyPassthroughConfig } from './haproxy-config.ts';
import { nginxProxyConfig } from './nginx-config.ts';
import type { ServerSpec } from './server-process.ts';
import { tlstermConfig, tlstermPassthroughConfig } from './tlsterm-config.ts';

export type ContenderName = 'tlsterm' | 'nginx' | 'haproxy';

export interface Contender {
  readonly name: ContenderName;
  /** The binary that must be installed, if any. */
  readonly binary?: string;
  /** `backendPort`: the plain-HTTP backend when terminating, the TLS backend when passing through. */
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

/** Passthrough: SNI routing to the TLS backend, bytes relayed undecrypted. */
export const passthroughContenders: readonly Contender[] = [
  {
    name: 'tlsterm',
    spec(dir, port, backendPort, certs) {
      const launch = tlstermPassthroughConfig(join(dir, 'tlsterm'), port, backendPort, certs.hostname);
      // One JSON log line per connection, discarded as in the termination scenarios.
      return { name: 'tlsterm', ...launch, port, stdoutPath: '/dev/null' };
    },
  },
  {
    name: 'haproxy',
    binary: 'haproxy',
    spec(dir, port, backendPort, certs) {
      const launch = haproxyPassthroughConfig(join(dir, 'haproxy'), port, backendPort, certs.hostname);
      return { name: 'haproxy', ...launch, port };
    },
  },
];

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
