// HAProxy as a proxy under test, one thread, no logging. Terminating TLS: HTTP keep-alive on both
// sides (HAProxy reuses idle backend connections by default, like nginx's `keepalive` upstream).
// Passthrough: TCP mode, routing by the ClientHello's SNI.
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
  options: { readonly http2?: boolean } = {},
): HaproxyLaunch {
  // HAProxy offers no ALPN unless told: h2 (the HTTP/2 front) first, HTTP/1.1 for everyone else.
  const alpn = options.http2 === true ? ' alpn h2,http/1.1' : '';
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
  bind 127.0.0.1:${port} ssl crt ${certs.combined} curves ${tlsSettings.groups.join(':')}${alpn}
  default_backend origin

backend origin
  server origin 127.0.0.1:${backendPort}
`,
  );
  // -db: stay in the foreground, no master process (a single process to measure).
  return { command: 'haproxy', args: ['-db', '-f', conf] };
}

/**
 * HAProxy as the passthrough proxy under test: TCP mode, waits for the ClientHello, routes by its SNI
 * to the TLS backend (as tlsterm's passthrough site does) and relays the bytes undecrypted. A
 * ClientHello for another name matches no backend and the connection is closed. No kernel splicing
 * (HAProxy's default, and tlsterm has none): both copy the bytes through user space.
 */
export function haproxyPassthroughConfig(
  prefix: string,
  port: number,
  backendPort: number,
  hostname: string,
): HaproxyLaunch {
  mkdirSync(prefix, { recursive: true });
  const conf = join(prefix, 'haproxy-passthrough.cfg');
  writeFileSync(
    conf,
    `global
  nbthread 1
  maxconn 8000

defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s

frontend passthrough
  bind 127.0.0.1:${port}
  tcp-request inspect-delay 5s
  tcp-request content accept if { req_ssl_hello_type 1 }
  use_backend tls_origin if { req_ssl_sni -i ${hostname} }

backend tls_origin
  server origin 127.0.0.1:${backendPort}
`,
  );
  return { command: 'haproxy', args: ['-db', '-f', conf] };
}
