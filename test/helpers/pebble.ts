// A real ACME CA for tests: Debian's pebble plus pebble-challtestsrv as its DNS server, on free
// loopback ports, with a temp config. pebble's HTTPS certificate is made here (self-signed for
// localhost and 127.0.0.1) and trusted only by whoever is given `caPath` — nothing global.
//
//   const pebble = await startPebble(dir, { httpPort, tlsPort });   // ports your responders listen on
//   … acme: { directory: pebble.directoryUrl, ca: pebble.caPath, … }
//   await pebble.stop();
//
// challtestsrv answers every A query with 127.0.0.1 (AAAA: none), so any name validates against the
// test's responders; its management API publishes TXT records for DNS-01.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { issueCertificate } from '../../src/certs/issue.ts';
import { freePort } from './net.ts';

export interface PebbleOptions {
  /** Port pebble connects to for HTTP-01 (your responder's). Default: an unused port. */
  readonly httpPort?: number;
  /** Port pebble connects to for TLS-ALPN-01. Default: an unused port. */
  readonly tlsPort?: number;
  /** Lifetime of issued certificates; pebble's default is 5 years. */
  readonly validitySeconds?: number;
  /**
   * Extra environment. PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0 and PEBBLE_AUTHZREUSE=0 are set;
   * even at 0 pebble reuses an account's valid authorization about 1 time in 100, so a test that needs
   * a renewal to be validated again uses a fresh account.
   */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Pebble {
  readonly directoryUrl: string;
  /** PEM file that trusts pebble's HTTPS endpoints (for `acme.ca`). */
  readonly caPath: string;
  readonly caPem: string;
  readonly managementUrl: string;
  /** pebble-challtestsrv's management API, e.g. http://127.0.0.1:PORT. */
  readonly challtestsrvUrl: string;
  /** The root that signs issued chains (changes on every pebble start). */
  issuingRootPem(): Promise<string>;
  setTxt(host: string, value: string): Promise<void>;
  clearTxt(host: string): Promise<void>;
  /** What pebble and challtestsrv printed, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One HTTP(S) request with a 5 s bound: status and body as text. */
export function request(
  url: string,
  opts: { method?: string; body?: string; ca?: string; headers?: Readonly<Record<string, string>> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: opts.method ?? 'GET',
        timeout: 5_000,
        ...(opts.ca ? { ca: opts.ca } : {}),
        headers: {
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

function startProcess(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: string[],
): ChildProcess {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer): void => {
    out.push(d.toString());
    if (out.length > 400) out.splice(0, out.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => out.push(`${cmd}: ${e.message}\n`));
  return child;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitUntil(what: string, probe: () => Promise<boolean>, logs: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not come up within 20 s:\n${logs()}`);
}

export async function startPebble(dir: string, opts: PebbleOptions = {}): Promise<Pebble> {
  fs.mkdirSync(dir, { recursive: true });
  const tlsCert = await issueCertificate({ names: ['localhost', '127.0.0.1'], keyType: 'ec' });
  const caPath = path.join(dir, 'pebble-https.pem');
  const keyPath = path.join(dir, 'pebble-https.key');
  fs.writeFileSync(caPath, tlsCert.certPem);
  fs.writeFileSync(keyPath, tlsCert.keyPem, { mode: 0o600 });

  const [acmePort, mgmtPort, dnsPort, ctsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const httpPort = opts.httpPort ?? (await freePort());
  const tlsPort = opts.tlsPort ?? (await freePort());
  const configPath = path.join(dir, 'pebble-config.json');
  fs.writeFileSync(
    configPath,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: caPath,
        privateKey: keyPath,
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        ...(opts.validitySeconds !== undefined ? { certificateValidityPeriod: opts.validitySeconds } : {}),
      },
    }),
  );

  const out: string[] = [];
  const logs = (): string => out.join('');
  const challtestsrv = startProcess(
    'pebble-challtestsrv',
    [
      '-dns01',
      `127.0.0.1:${dnsPort}`,
      '-http01',
      '',
      '-https01',
      '',
      '-tlsalpn01',
      '',
      '-management',
      `127.0.0.1:${ctsPort}`,
      '-defaultIPv4',
      '127.0.0.1',
      '-defaultIPv6',
      '',
    ],
    process.env,
    out,
  );
  const pebble = startProcess(
    'pebble',
    ['-config', configPath, '-dnsserver', `127.0.0.1:${dnsPort}`, '-strict=false'],
    {
      ...process.env,
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
      PEBBLE_AUTHZREUSE: '0',
      ...opts.env,
    },
    out,
  );
  const stop = async (): Promise<void> => {
    await Promise.all([stopProcess(pebble), stopProcess(challtestsrv)]);
  };

  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const challtestsrvUrl = `http://127.0.0.1:${ctsPort}`;
  try {
    await waitUntil(
      'pebble-challtestsrv',
      async () => (await request(`${challtestsrvUrl}/`)).status > 0,
      logs,
    );
    await waitUntil(
      'pebble',
      async () => (await request(directoryUrl, { ca: tlsCert.certPem })).status === 200,
      logs,
    );
  } catch (e) {
    await stop();
    throw e;
  }

  const post = async (endpoint: string, body: object): Promise<void> => {
    const res = await request(`${challtestsrvUrl}/${endpoint}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`challtestsrv ${endpoint}: HTTP ${res.status} ${res.body}`);
  };
  const fqdn = (host: string): string => (host.endsWith('.') ? host : `${host}.`);

  return {
    directoryUrl,
    caPath,
    caPem: tlsCert.certPem,
    managementUrl: `https://127.0.0.1:${mgmtPort}`,
    challtestsrvUrl,
    async issuingRootPem() {
      const res = await request(`https://127.0.0.1:${mgmtPort}/roots/0`, { ca: tlsCert.certPem });
      if (res.status !== 200) throw new Error(`pebble /roots/0: HTTP ${res.status}`);
      return res.body;
    },
    setTxt: (host, value) => post('set-txt', { host: fqdn(host), value }),
    clearTxt: (host) => post('clear-txt', { host: fqdn(host) }),
    logs,
    stop,
  };
}
