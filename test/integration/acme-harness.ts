// Everything an ACME scenario needs: pebble, the challenge responders a data plane would run (HTTP-01
// on a node:http server, TLS-ALPN-01 on a Node tls server offering acme-tls/1), both reading the
// manager's file ChallengeStore, and a manager factory with test-speed polling and backoff.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  type AcmeSettings,
  type AcmeSiteConfig,
  answerHttp01,
  type CertificateManager,
  type CertificateManagerOptions,
  type ChallengeStore,
  createCertificateManager,
  createFileChallengeStore,
  createTlsAlpn01Server,
} from '../../src/certs/acme/index.ts';
import { collectEvents, type EventCollector } from '../helpers/log-events.ts';
import { type Pebble, type PebbleOptions, startPebble } from '../helpers/pebble.ts';
import { makeTempDir } from '../helpers/pki.ts';

export interface Responders {
  readonly httpPort: number;
  readonly tlsPort: number;
  /** HTTP-01 requests seen (path), TLS-ALPN-01 handshakes seen (SNI). */
  readonly seen: { http: string[]; tlsAlpn: string[] };
  /** Answer the next `n` challenge requests with 404, as if port 80 went elsewhere. */
  failNextHttp(n: number): void;
  close(): Promise<void>;
}

export async function startResponders(store: ChallengeStore): Promise<Responders> {
  const seen = { http: [] as string[], tlsAlpn: [] as string[] };
  let failing = 0;
  const httpServer = http.createServer((req, res) => {
    seen.http.push(req.url ?? '');
    void (async () => {
      if (failing > 0 && (req.url ?? '').startsWith('/.well-known/acme-challenge/')) {
        failing--;
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not here\n');
        return;
      }
      const answer = await answerHttp01(store, req.method ?? 'GET', req.url ?? '/');
      if (!answer) {
        // What the port-80 listener does with everything else.
        res.writeHead(308, { location: `https://${req.headers.host ?? 'localhost'}${req.url ?? '/'}` });
        res.end();
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    })();
  });
  // What the router does with a ClientHello offering acme-tls/1: hand the connection to this server.
  const tlsServer = createTlsAlpn01Server(store, {
    onValidation: (servername) => seen.tlsAlpn.push(servername),
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  return {
    httpPort: (httpServer.address() as AddressInfo).port,
    tlsPort: (tlsServer.address() as AddressInfo).port,
    seen,
    failNextHttp: (n) => {
      failing = n;
    },
    async close() {
      httpServer.closeAllConnections();
      await Promise.all([new Promise((r) => httpServer.close(r)), new Promise((r) => tlsServer.close(r))]);
    },
  };
}

export interface AcmeEnv {
  readonly dir: string;
  readonly stateDir: string;
  readonly store: ChallengeStore;
  readonly pebble: Pebble;
  readonly responders: Responders;
  /** A site config for `hosts` against this pebble. */
  site(
    hosts: readonly string[],
    challenge: AcmeSettings['challenge'],
    extra?: Partial<AcmeSettings>,
  ): AcmeSiteConfig;
  /** A manager on this env's state directory with fast polling and backoff; stopped by close(). */
  manager(
    sites: readonly AcmeSiteConfig[],
    opts?: Partial<CertificateManagerOptions>,
  ): { manager: CertificateManager; events: EventCollector };
  close(): Promise<void>;
}

export async function startAcmeEnv(prefix: string, pebbleOpts: PebbleOptions = {}): Promise<AcmeEnv> {
  const tmp = makeTempDir(prefix);
  const stateDir = path.join(tmp.dir, 'state');
  fs.mkdirSync(stateDir);
  const store = createFileChallengeStore(path.join(stateDir, 'acme', 'challenges'));
  const responders = await startResponders(store);
  let pebble: Pebble;
  try {
    pebble = await startPebble(path.join(tmp.dir, 'pebble'), {
      httpPort: responders.httpPort,
      tlsPort: responders.tlsPort,
      ...pebbleOpts,
    });
  } catch (e) {
    await responders.close();
    tmp.cleanup();
    throw e;
  }
  const managers: CertificateManager[] = [];
  return {
    dir: tmp.dir,
    stateDir,
    store,
    pebble,
    responders,
    site: (hosts, challenge, extra = {}) => ({
      hosts,
      acme: {
        email: 'ops@example.test',
        directory: pebble.directoryUrl,
        challenge,
        ca: pebble.caPath,
        ...extra,
      },
    }),
    manager(sites, opts = {}) {
      const events = collectEvents(process.env['TLSTERM_TEST_ECHO'] === '1');
      const manager = createCertificateManager({
        stateDir,
        sites,
        log: events.log,
        statusPoll: { minMs: 200, maxMs: 1_000, attempts: 30 },
        backoff: { baseMs: 500, capMs: 2_000 },
        lockRetryMs: 300,
        ...opts,
      });
      managers.push(manager);
      return { manager, events };
    },
    async close() {
      await Promise.all(managers.map((m) => m.stop()));
      await responders.close();
      await pebble.stop();
      tmp.cleanup();
    },
  };
}
