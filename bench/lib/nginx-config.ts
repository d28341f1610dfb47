// nginx configurations: the plain-HTTP backend every terminating proxy forwards to, nginx as the TLS
// proxy under test, and the HTTPS backend behind the passthrough proxies.
// All run in the foreground (`daemon off`) from their own prefix directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCerts } from './certs.ts';
import { tlsSettings } from './tls-settings.ts';

export interface NginxLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly errorLog: string;
}

// Everything nginx would otherwise write under /var goes to the prefix. `user` is the invoking
// user's (root on the bench machine, like the other servers) so the worker can read the temp dir.
function common(prefix: string, workers = 1): string {
  const isRoot = process.getuid?.() === 0;
  return [
    isRoot ? 'user root root;' : '',
    `worker_processes ${workers};`,
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 8192; }',
  ].join('\n');
}

function tempPaths(prefix: string): string {
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${join(prefix, `${kind}_temp`)};`)
    .join('\n');
}

function write(prefix: string, text: string): NginxLaunch {
  mkdirSync(prefix, { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, text);
  const errorLog = join(prefix, 'error.log');
  return {
    command: 'nginx',
    args: ['-p', prefix, '-e', errorLog, '-c', conf, '-g', 'daemon off;'],
    errorLog,
  };
}

// The same TLS settings wherever nginx terminates TLS: as the proxy under test and as the
// passthrough backend.
function tlsServer(certs: BenchCerts): string {
  return [
    `server_name ${certs.hostname};`,
    `ssl_certificate ${certs.fullchain};`,
    `ssl_certificate_key ${certs.key};`,
    'ssl_protocols TLSv1.2 TLSv1.3;',
    `ssl_ecdh_curve ${tlsSettings.groups.join(':')};`,
    `ssl_ciphers ${tlsSettings.tls12Ciphers.join(':')};`,
    `ssl_conf_command Ciphersuites ${tlsSettings.tls13Ciphers.join(':')};`,
    'ssl_prefer_server_ciphers on;',
    // Resumption by session id (a cache shared by the workers) and by ticket, as tlsterm's defaults.
    'ssl_session_cache shared:SSL:10m;',
    'ssl_session_tickets on;',
  ]
    .map((line) => `    ${line}`)
    .join('\n');
}

/** The backend: serves `root` over plain HTTP/1.1, keep-alive without a request limit. */
export function nginxBackendConfig(prefix: string, port: number, root: string): NginxLaunch {
  return write(
    prefix,
    `${common(prefix)}
http {
  access_log off;
${tempPaths(prefix)}
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${root};
  }
}
`,
  );
}

/** Variants of the proxy under test: more workers (the scale scenarios), HTTP/2 on the TLS port. */
export interface NginxProxyOptions {
  /** `worker_processes` (default 1). Workers share one listening socket (no `reuseport`), as tlsterm's do. */
  readonly workers?: number;
  /** `listen … ssl http2` (nginx 1.22's spelling): ALPN h2 and http/1.1. */
  readonly http2?: boolean;
  /** `listen … reuseport`: a socket per worker (tlsterm's `reuse_port`). */
  readonly reusePort?: boolean;
}

/** nginx as the TLS-terminating proxy under test. */
export function nginxProxyConfig(
  prefix: string,
  port: number,
  backendPort: number,
  certs: BenchCerts,
  options: NginxProxyOptions = {},
): NginxLaunch {
  return write(
    prefix,
    `${common(prefix, options.workers)}
http {
  access_log off;
${tempPaths(prefix)}
  # nginx's default (1000) would make wrk reconnect every 1000 requests; the others have no limit.
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port} ssl${options.http2 === true ? ' http2' : ''}${options.reusePort === true ? ' reuseport' : ''} backlog=4096;
${tlsServer(certs)}
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Stream large bodies through memory buffers instead of spooling them to a temp file on disk,
      # as HAProxy and tlsterm do.
      proxy_max_temp_file_size 0;
    }
  }
}
`,
  );
}

/**
 * The backend of the passthrough scenarios: the same files as the plain backend, over HTTPS with the
 * bench certificate, since a passthrough proxy hands the client's TLS bytes to it undecrypted.
 */
export function nginxTlsBackendConfig(
  prefix: string,
  port: number,
  root: string,
  certs: BenchCerts,
): NginxLaunch {
  return write(
    prefix,
    `${common(prefix)}
http {
  access_log off;
${tempPaths(prefix)}
  default_type application/octet-stream;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:${port} ssl backlog=4096;
${tlsServer(certs)}
    root ${root};
  }
}
`,
  );
}
