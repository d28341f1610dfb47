// The serving side of ACME challenges, for every serving process: HTTP-01 answers on the plain-HTTP
// listeners and a tls.Server that the accept path hands each ClientHello offering acme-tls/1
// (TLS-ALPN-01, before SNI routing and strict_sni). Both only read the shared challenge store the
// certificate manager writes; no ACME client here.

import type tls from 'node:tls';
import type { ChallengeStore } from '../../certs/acme/challenge-store.ts';
import { http01Response } from '../../certs/acme/responders.ts';
import { createTlsAlpn01Server } from '../../certs/acme/tls-alpn-server.ts';
import type { Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import type { Http01Lookup } from '../http-listener.ts';
import { hasAcmeSites } from './sites.ts';
import { openAcmeStores } from './stores.ts';

export interface AcmeResponders {
  /** Key authorization for an HTTP-01 token (the port-80 listener answers with it). */
  readonly http01: Http01Lookup;
  /** Takes connections whose ClientHello offers acme-tls/1 (`server.emit('connection', socket)`). */
  readonly tlsAlpn01: tls.Server;
}

export function createAcmeResponders(store: ChallengeStore, log: Logger): AcmeResponders {
  return {
    http01: (token) => http01Response(store, token),
    tlsAlpn01: createTlsAlpn01Server(store, {
      onValidation: (servername, answered) =>
        log({ event: 'acme_tls_alpn01', servername, challenge_known: answered }),
    }),
  };
}

export interface OpenedAcmeResponders {
  readonly responders: AcmeResponders;
  close(): Promise<void>;
}

/** The responders for a serving process, over the plan's challenge store (files, or Redis). */
export async function openAcmeResponders(
  plan: Pick<Plan, 'state' | 'stateDir' | 'listeners'>,
  log: Logger,
): Promise<OpenedAcmeResponders> {
  // No ACME site here: answer from the state directory (nothing is ever there), open no Redis.
  const stores = await openAcmeStores(
    hasAcmeSites(plan) ? plan : { ...plan, state: { backend: 'memory' } },
    log,
  );
  return { responders: createAcmeResponders(stores.challenges, log), close: () => stores.close() };
}
