// Real servers for the probe scenarios: openssl s_server (OpenSSL 3.0 from /usr/bin), nginx as a
// non-daemon child with its own prefix, and Node TLS servers (OpenSSL 3.5), each on a free port,
// plus `tlsterm probe` run as a child process. Every start returns a stop() for after().
import { execFile, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { stopChild } from '../helpers/net.ts';
import { startNginx as startNginxWith } from '../helpers/nginx.ts';
import { run, sClientAsync } from '../helpers/run.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

export interface Running {
  readonly port: number;
  stop(): Promise<void>;
}

/** `openssl s_server -accept 127.0.0.1:0 …`; the port comes from its "ACCEPT" line. */
export function startSServer(args: readonly string[]): Promise<Running> {
  const child = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let started = false;
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`s_server did not start: ${out}`));
    }, 10_000);
    // Keep draining its chatter after start-up so the pipe never fills.
    const onData = (d: Buffer): void => {
      if (started) return;
      out += d.toString();
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stop: () => stopChild(child) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`s_server exited (${code}): ${out}`));
    });
  });
}

/**
 * nginx in the foreground with `serverBlock` inside http { server { listen …; … } } (the default
 * server), and optionally more server blocks on the same port (`extra(port)`), for SNI.
 */
export function startNginx(
  dir: string,
  serverBlock: string,
  extra: (port: number) => string = () => '',
): Promise<Running> {
  return startNginxWith(
    dir,
    (port) => `  access_log off;
  server {
    listen 127.0.0.1:${port} ssl;
    ${serverBlock}
    location / { default_type text/plain; return 200 "ok\\n"; }
  }
  ${extra(port)}`,
  );
}

/** A Node TLS server (OpenSSL 3.5) answering every request with a small HTTP response. */
export async function startNodeTls(options: tls.TlsOptions, headers = ''): Promise<Running> {
  const server = tls.createServer(options, (socket) => {
    socket.on('error', () => {});
    socket.once('data', () =>
      socket.end(`HTTP/1.1 200 OK\r\n${headers}Content-Length: 3\r\nConnection: close\r\n\r\nok\n`),
    );
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Probe connections are short; anything still open is cut.
        setTimeout(resolve, 1000).unref();
      }),
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tlsterm probe …` as a child process (async, so servers in this process keep answering). */
export const runProbe = (args: readonly string[], timeoutMs = 60_000): Promise<CliResult> =>
  run(process.execPath, [BIN, 'probe', ...args], { timeoutMs });

/** openssl s_client against a port; stdin closed. Its combined output. */
export const sClient = async (port: number, args: readonly string[]): Promise<string> =>
  (await sClientAsync(port, args)).all;

export const hasCommand = (name: string): boolean =>
  (process.env['PATH'] ?? '').split(':').some((d) => d !== '' && fs.existsSync(path.join(d, name)));

/**
 * A "good" OCSP response for `certPath`, signed by the root that issued it (`openssl ocsp -index`),
 * written to DIR/ocsp.der for `s_server -status_file`.
 */
export async function makeOcspResponse(
  dir: string,
  root: { readonly rootPath: string; readonly rootKeyPem: string },
  leaf: { readonly certPath: string; readonly certPem: string },
): Promise<string> {
  const serial = new crypto.X509Certificate(leaf.certPem).serialNumber;
  const rootKey = path.join(dir, 'ocsp-root-key.pem');
  const index = path.join(dir, 'ocsp-index.txt');
  const out = path.join(dir, 'ocsp.der');
  fs.writeFileSync(rootKey, root.rootKeyPem, { mode: 0o600 });
  fs.writeFileSync(index, `V\t351231235959Z\t\t${serial}\tunknown\t/CN=example.test\n`);
  await promisify(execFile)('openssl', [
    ...['ocsp', '-index', index, '-rsigner', root.rootPath, '-rkey', rootKey, '-CA', root.rootPath],
    ...['-issuer', root.rootPath, '-cert', leaf.certPath, '-respout', out, '-ndays', '7'],
  ]);
  return out;
}

/** DH parameters for s_server's `-dhparam`, from a named group (`pkeyopt`, e.g. group:ffdhe2048). */
export function dhParams(dir: string, name: string, pkeyopt: string): string {
  const file = path.join(dir, name);
  execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', pkeyopt, '-out', file]);
  return file;
}
