// A TLS server that hot-reloads its certificate the way serve should: a pair watcher on the files,
// and each validated pair swapped in with setSecureContext (new handshakes only; open connections
// keep theirs). Clients read the serial a new handshake gets.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before } from 'node:test';
import tls from 'node:tls';
import { loadCertificatePair } from '../../src/certs/load-pair.ts';
import type { CertificatePair } from '../../src/certs/pair.ts';
import { type PairWatcher, type ReloadOutcome, watchCertificatePair } from '../../src/certs/reload/index.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';

/** A certificate's serial as the harness reports it: upper-case hex. */
export const serialOf = (pem: string): string => new crypto.X509Certificate(pem).serialNumber.toUpperCase();

export interface SitePair {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
  readonly serial: string;
}

/** `<parent>/<name>/` with a first pair for `hosts` in it (fullchain.pem, privkey.pem as certbot names them). */
export async function siteWithPair(
  pki: Pki,
  parent: string,
  name: string,
  hosts: readonly string[],
): Promise<SitePair> {
  const first = await pki.issue([...hosts], { name: `${name}-first` });
  const dir = path.join(parent, name);
  fs.mkdirSync(dir);
  const cert = path.join(dir, 'fullchain.pem');
  const key = path.join(dir, 'privkey.pem');
  fs.writeFileSync(cert, first.fullchainPem);
  fs.writeFileSync(key, first.keyPem, { mode: 0o600 });
  return { dir, cert, key, serial: serialOf(first.certPem) };
}

export interface ReloadingServer {
  readonly port: number;
  readonly outcomes: ReloadOutcome[];
  readonly watcher: PairWatcher;
  /** Resolves with the next outcome (or one already seen after `from`). */
  nextOutcome(from: number, timeoutMs?: number): Promise<ReloadOutcome>;
  close(): Promise<void>;
}

export async function startReloadingServer(opts: {
  certPath: string;
  keyPath: string;
  hosts: readonly string[];
  extraCa: readonly string[];
  pollIntervalMs?: number;
  useFsWatch?: boolean;
}): Promise<ReloadingServer> {
  const loaded = await loadCertificatePair(opts.certPath, opts.keyPath, { extraCa: opts.extraCa });
  assert.ok(loaded.pair, JSON.stringify(loaded.problems));
  const initial: CertificatePair = loaded.pair;
  const server = tls.createServer({ cert: initial.certPem, key: initial.keyPem }, (socket) => {
    // Echo: lets a test prove an old connection still works after a swap.
    socket.on('data', (d) => socket.write(d));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const outcomes: ReloadOutcome[] = [];
  const waiters: (() => void)[] = [];
  const watcher = await watchCertificatePair({
    certPath: opts.certPath,
    keyPath: opts.keyPath,
    hosts: opts.hosts,
    load: { extraCa: opts.extraCa },
    current: initial,
    debounceMs: 100,
    settleMs: 300,
    ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
    ...(opts.useFsWatch !== undefined ? { useFsWatch: opts.useFsWatch } : {}),
    onChange: (outcome) => {
      if (outcome.kind === 'reloaded') {
        server.setSecureContext({ cert: outcome.pair.certPem, key: outcome.pair.keyPem });
      }
      outcomes.push(outcome);
      for (const w of waiters.splice(0)) w();
    },
  });
  const sockets = new Set<tls.TLSSocket>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    outcomes,
    watcher,
    async nextOutcome(from, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (outcomes.length <= from) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no reload outcome within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return outcomes[from] as ReloadOutcome;
    },
    async close() {
      watcher.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface ReloadFixture {
  /** The temp directory (valid once `before` ran). */
  readonly dir: string;
  readonly pki: Pki;
  /** `dir/<name>/` with a first pair for `hosts`. */
  site(name: string, hosts: readonly string[]): Promise<SitePair>;
}

/** Registers the suite's before/after: a temp directory named after `prefix` with a PKI in it. */
export function reloadFixture(prefix: string): ReloadFixture {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  let pki: Pki | undefined;
  before(async () => {
    tmp = makeTempDir(prefix);
    pki = await makePki(path.join(tmp.dir, 'pki'));
  });
  after(() => tmp?.cleanup());
  const fixture: ReloadFixture = {
    get dir() {
      assert.ok(tmp, 'reloadFixture: used before before()');
      return tmp.dir;
    },
    get pki() {
      assert.ok(pki, 'reloadFixture: used before before()');
      return pki;
    },
    site: (name, hosts) => siteWithPair(fixture.pki, fixture.dir, name, hosts),
  };
  return fixture;
}

/** Runs `body` against a reloading server for `site`'s pair and closes the server however `body` ends. */
export async function withReloadingServer(
  site: { readonly cert: string; readonly key: string },
  opts: Omit<Parameters<typeof startReloadingServer>[0], 'certPath' | 'keyPath'>,
  body: (server: ReloadingServer) => Promise<void>,
): Promise<void> {
  const server = await startReloadingServer({ certPath: site.cert, keyPath: site.key, ...opts });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** The serial (upper-case hex) a new handshake for `servername` gets, verified against `ca`. */
export function servedSerial(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial.toUpperCase());
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('handshake timeout')));
    socket.on('error', reject);
  });
}

/** A connection kept open across a swap; `echo` proves it still carries data. */
export async function openConnection(
  port: number,
  servername: string,
  ca: string,
): Promise<{ serial: string; echo: (text: string) => Promise<string>; close: () => void }> {
  const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, ca }, () => resolve(s));
    s.on('error', reject);
  });
  return {
    serial: socket.getPeerCertificate().serialNumber.toUpperCase(),
    echo: (text) =>
      new Promise((resolve, reject) => {
        socket.once('data', (d: Buffer) => resolve(d.toString()));
        socket.once('error', reject);
        socket.write(text);
      }),
    close: () => socket.destroy(),
  };
}
