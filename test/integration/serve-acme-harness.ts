// ACME through a running `tlsterm serve` (bin/tlsterm as a child process) against pebble: pebble
// validates HTTP-01 on the port of tlsterm's http: listener and TLS-ALPN-01 on its TLS listener's
// port, so the whole path is tlsterm's own. TLSTERM_ACME_FAST_RETRY=1 shortens polling and backoff.
//
//   const env = await startServeAcmeEnv('serve-acme-http01');
//   const serve = await env.serve(env.config({ hosts: ['a.example.test'], challenge: 'http-01' }));
//   await serve.waitFor((e) => e.event === 'certificate_reloaded');
//   const cert = await servedCertificate(env.tlsPort, 'a.example.test');

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { collectEvents, type LogEvent } from '../helpers/log-events.ts';
import { freePort } from '../helpers/net.ts';
import { type Pebble, startPebble } from '../helpers/pebble.ts';
import { makeTempDir } from '../helpers/pki.ts';
import { type RunResult, run } from '../helpers/run.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');
const echo = process.env['TLSTERM_TEST_ECHO'] === '1';

export interface ServeProcess {
  readonly events: LogEvent[];
  waitFor(match: (e: LogEvent) => boolean, timeoutMs?: number): Promise<LogEvent>;
  named(name: string): LogEvent[];
  stderr(): string;
  stop(): Promise<void>;
}

export interface SiteConfig {
  readonly hosts: readonly string[];
  readonly challenge: 'http-01' | 'tls-alpn-01' | 'dns-01';
  readonly dnsHook?: string;
}

export interface ConfigOptions {
  readonly sites: readonly SiteConfig[];
  /** Default: this env's state directory. */
  readonly stateDir?: string;
  /** Default: pebble's HTTP-01 port. */
  readonly httpPort?: number;
  /** Default: pebble's TLS-ALPN-01 port. */
  readonly tlsPort?: number;
  /** Extra top-level YAML (e.g. a `state:` block). */
  readonly extra?: string;
  readonly strictSni?: boolean;
  /** List pebble's root under extra_ca (default true); false: a private ACME CA as it really is. */
  readonly extraCa?: boolean;
}

export interface ServeAcmeEnv {
  readonly dir: string;
  readonly stateDir: string;
  readonly pebble: Pebble;
  /** Where pebble validates HTTP-01 / TLS-ALPN-01: tlsterm's listeners go here. */
  readonly httpPort: number;
  readonly tlsPort: number;
  /** PEM file with pebble's issuing root (for extra_ca, so hot reload accepts pebble's chains). */
  readonly rootPath: string;
  /** A config file for these sites; returns its path. */
  config(opts: ConfigOptions, file?: string): string;
  /** `tlsterm serve -c FILE`, resolved once it logged "started". Stopped by close(). */
  serve(configPath: string): Promise<ServeProcess>;
  close(): Promise<void>;
}

function spawnServe(configPath: string): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '-c', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TLSTERM_ACME_FAST_RETRY: '1' },
  });
  const events = collectEvents(echo);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try {
        events.log(JSON.parse(line) as LogEvent);
      } catch {
        err += `(not JSON on stdout) ${line}\n`;
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: ServeProcess = {
    events: events.events,
    named: events.named,
    waitFor: async (match, timeoutMs = 30_000) => {
      try {
        return await events.waitFor(match, timeoutMs);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nstderr:\n${err}`);
      }
    },
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  return Promise.race([
    proc.waitFor((e) => e['event'] === 'started', 30_000).then(() => proc),
    exited.then(() => {
      throw new Error(`tlsterm serve exited before it started:\n${err}`);
    }),
  ]);
}

export async function startServeAcmeEnv(prefix: string): Promise<ServeAcmeEnv> {
  const tmp = makeTempDir(prefix);
  const httpPort = await freePort();
  const tlsPort = await freePort();
  let pebble: Pebble;
  try {
    pebble = await startPebble(path.join(tmp.dir, 'pebble'), { httpPort, tlsPort });
  } catch (e) {
    tmp.cleanup();
    throw e;
  }
  const rootPath = path.join(tmp.dir, 'pebble-root.pem');
  fs.writeFileSync(rootPath, await pebble.issuingRootPem());
  const stateDir = path.join(tmp.dir, 'state');
  const processes: ServeProcess[] = [];
  let configs = 0;
  return {
    dir: tmp.dir,
    stateDir,
    pebble,
    httpPort,
    tlsPort,
    rootPath,
    config(opts, file = path.join(tmp.dir, `tlsterm-${++configs}.yaml`)) {
      const sites = opts.sites
        .map(
          (s) => `      - hosts: [${s.hosts.map((h) => JSON.stringify(h)).join(', ')}]
        acme:
          directory: ${JSON.stringify(pebble.directoryUrl)}
          ca: ${JSON.stringify(pebble.caPath)}
          email: ops@example.test
          challenge: ${s.challenge}${s.dnsHook ? `\n          dns_hook: ${JSON.stringify(s.dnsHook)}` : ''}
        handler: inspect`,
        )
        .join('\n');
      fs.writeFileSync(
        file,
        `state_dir: ${JSON.stringify(opts.stateDir ?? stateDir)}
${opts.extraCa === false ? '' : `extra_ca: [${JSON.stringify(rootPath)}]`}
workers: 1
${opts.extra ?? ''}
listeners:
  - name: http
    address: 127.0.0.1:${opts.httpPort ?? httpPort}
    http: { https_port: ${opts.tlsPort ?? tlsPort} }
  - name: tls
    address: 127.0.0.1:${opts.tlsPort ?? tlsPort}
    strict_sni: ${opts.strictSni ?? false}
    sites:
${sites}
`,
      );
      return file;
    },
    async serve(configPath) {
      const proc = await spawnServe(configPath);
      processes.push(proc);
      return proc;
    },
    async close() {
      await Promise.all(processes.map((p) => p.stop()));
      await pebble.stop();
      tmp.cleanup();
    },
  };
}

export interface ServedCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly sans: string[];
  readonly selfSigned: boolean;
  /** Verified against `ca` for `servername` (false without `ca`). */
  readonly authorized: boolean;
}

/** The certificate a TLS port serves for `servername` (Node's tls; verified only when `ca` is given). */
export function servedCertificate(port: number, servername: string, ca?: string): Promise<ServedCertificate> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, servername, rejectUnauthorized: false, ...(ca ? { ca } : {}) };
    const socket = tls.connect(opts, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (!cert) return reject(new Error('no certificate'));
      resolve({
        subject: cert.subject.split('\n').join(', '),
        issuer: cert.issuer.split('\n').join(', '),
        serialNumber: cert.serialNumber,
        sans: (cert.subjectAltName ?? '')
          .split(', ')
          .filter((s) => s.startsWith('DNS:'))
          .map((s) => s.slice(4))
          .sort(),
        selfSigned: cert.checkIssued(cert),
        authorized: ca !== undefined && socket.authorized,
      });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}

/** `tlsterm ARGS` (e.g. `cert status -c FILE`), asynchronously. */
export const tlsterm = (args: readonly string[]): Promise<RunResult> =>
  run(process.execPath, [BIN, ...args], { timeoutMs: 20_000 });

/** A DNS hook that publishes in challtestsrv and logs its calls to `log`; `extra` runs first. */
export function writeDnsHook(file: string, challtestsrvUrl: string, log: string, extra = ''): void {
  fs.writeFileSync(
    file,
    `#!/bin/sh
set -e
echo "$1 $2" >> '${log}'
${extra}
case "$1" in
  set) curl -sf -X POST -d "{\\"host\\":\\"$2.\\",\\"value\\":\\"$3\\"}" '${challtestsrvUrl}/set-txt' ;;
  clear) curl -sf -X POST -d "{\\"host\\":\\"$2.\\"}" '${challtestsrvUrl}/clear-txt' ;;
  *) echo "unknown action $1" >&2; exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
}

/** The first event matching in any of `processes` (polled: no timer is left behind). */
export async function waitForAny(
  processes: readonly ServeProcess[],
  match: (e: LogEvent) => boolean,
  timeoutMs = 30_000,
): Promise<LogEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const p of processes) {
      const hit = p.events.find(match);
      if (hit) return hit;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no matching event within ${timeoutMs} ms:\n${processes.map((p) => p.stderr()).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
