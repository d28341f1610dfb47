// The TLS side of TLS-ALPN-01 for the data plane: a tls.Server that only ever speaks acme-tls/1.
// The router hands it every connection whose ClientHello offers acme-tls/1 (offersAcmeTlsAlpn),
// e.g. `acmeServer.emit('connection', socket)` after putting the sniffed bytes back. It answers with
// the challenge certificate for the SNI name (none → the handshake fails) and closes: RFC 8737 §3
// says the validation connection carries no application data.

import tls from 'node:tls';
import type { ChallengeStore } from './challenge-store.ts';
import { ACME_TLS_ALPN, tlsAlpn01Certificate } from './responders.ts';

/** The secure context for `servername`'s pending challenge, or undefined. */
export async function tlsAlpn01SecureContext(
  store: ChallengeStore,
  servername: string | undefined,
): Promise<tls.SecureContext | undefined> {
  const cert = await tlsAlpn01Certificate(store, servername);
  return cert ? tls.createSecureContext({ cert: cert.certPem, key: cert.keyPem }) : undefined;
}

export interface TlsAlpn01ServerOptions {
  /** Called per validation handshake (SNI name, answered or not), for logs. */
  readonly onValidation?: (servername: string, answered: boolean) => void;
  /** Bound on the handshake; default 10 s. */
  readonly handshakeTimeoutMs?: number;
}

export function createTlsAlpn01Server(store: ChallengeStore, opts: TlsAlpn01ServerOptions = {}): tls.Server {
  const server = tls.createServer({
    ALPNProtocols: [ACME_TLS_ALPN],
    handshakeTimeout: opts.handshakeTimeoutMs ?? 10_000,
    SNICallback: (servername, cb) => {
      tlsAlpn01SecureContext(store, servername).then(
        (ctx) => {
          opts.onValidation?.(servername, ctx !== undefined);
          if (ctx) cb(null, ctx);
          else cb(new Error(`no pending TLS-ALPN-01 challenge for ${servername}`));
        },
        (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
      );
    },
  });
  // A refused or aborted validation handshake is the CA's business, not an error of ours.
  server.on('tlsClientError', () => {});
  server.on('secureConnection', (socket) => {
    socket.on('error', () => {});
    socket.end();
  });
  return server;
}
