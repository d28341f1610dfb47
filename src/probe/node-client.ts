// Full handshakes with Node's own TLS client, for what a raw ClientHello cannot see: anything in
// TLS 1.3's encrypted flight (certificates, ALPN, OCSP), session resumption, HTTP headers. The
// certificate is never verified here (rejectUnauthorized: false): the prober reports on trust
// itself, from the chain it collects.
import tls from 'node:tls';
import { ProtocolVersion, VERSIONS } from '../wire/versions.ts';
import type { Endpoint } from './exchange.ts';

/** Node's name for a TLS ≤ 1.2 version id (undefined: SSL 3.0, TLS 1.3, none). */
export function nodeVersion(version: number): tls.SecureVersion | undefined {
  if (version < ProtocolVersion.tls10 || version > ProtocolVersion.tls12) return undefined;
  const node = VERSIONS.find((v) => v.id === version)?.node;
  return node === 'SSLv3' ? undefined : node;
}

export type TlsResult =
  | { readonly ok: true; readonly socket: tls.TLSSocket }
  | { readonly ok: false; readonly error: string };

/** Connects and completes a handshake; the caller must destroy the socket. */
export function connectTls(
  endpoint: Endpoint,
  options: tls.ConnectionOptions,
  onSocket?: (socket: tls.TLSSocket) => void,
): Promise<TlsResult> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      host: endpoint.address,
      port: endpoint.port,
      rejectUnauthorized: false,
      // An empty store: nothing is verified here, and Node then adds no store certificates to
      // what getPeerCertificate(true) reports as the chain.
      ca: [],
      // Everything OpenSSL can still do (1024-bit DH, TLS 1.0, CBC): a check the default client
      // refuses would otherwise be a check not made. Judging strength is the raw probes' job.
      ciphers: 'ALL:@SECLEVEL=0',
      minVersion: 'TLSv1',
      ...options,
    });
    onSocket?.(socket);
    const done = (result: TlsResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, error: `no handshake within ${endpoint.timeoutMs} ms` }),
      endpoint.timeoutMs,
    );
    socket.once('secureConnect', () => done({ ok: true, socket }));
    // `on`, not `once`: a second error after the handshake must not go unhandled.
    socket.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
    socket.once('close', () => done({ ok: false, error: 'closed during the handshake' }));
  });
}

/** Resolves after `ms` or when `until` settles, whichever comes first. */
export function waitFor<T>(until: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    until.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** Every certificate Node reports for the peer (leaf first, issuers after, as DER). */
export function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}
