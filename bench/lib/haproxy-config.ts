// HAProxy as the TLS-terminating proxy under test: one thread, no logging, HTTP keep-alive on both
// sides (HAProxy reuses idle backend connections by default, like nginx's `keepalive` upstream).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCerts } from './certs.ts';
import { tlsSettings } from './tls-settings.ts';

export interface HaproxyLaunch {
  readonly command: string;
  readonly args: readonly string[];
}

export function haproxyConfig(
  prefix: string,
  port: number,
  backendPort: number,
  certs: BenchCerts,
): HaproxyLaunch {
  mkdirSync(prefix, { recursive: true });
  const conf = join(prefix, 'haproxy.cfg');
  writeFileSync(
    conf,
    `global
  nbthread 1
  # Each connection needs two descriptors (client + server side); 8000 fits a 20,000-descriptor limit.
  maxconn 8000
  ssl-default-bind-options ssl-min-ver TLSv1.2
  ssl-default-bind-ciphers ${tlsSettings.tls12Ciphers.join(':')}
  ssl-default-bind-ciphersuites ${tlsSettings.tls13Ciphers.join(':')}

defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s

frontend bench
  bind 127.0.0.1:${port} ssl crt ${certs.combined} curves ${tlsSettings.groups.join(':')}
  default_backend origin

backend origin
  server origin 127.0.0.1:${backendPort}
`,
  );
  // -db: stay in the foreground, no master process (a single process to measure).
  return { command: 'haproxy', args: ['-db', '-f', conf] };
}
