// TLS toward an https:// upstream (re-encryption, seed 000 §4): verified against the configured CA
// (or the system store), the configured SNI, an optional client certificate, and the last session
// offered again so reconnects resume. A verification failure becomes a sentence that names what
// failed; there is no silent fallback to an unverified connection.

import net from 'node:net';
import tls from 'node:tls';
import { isUntrustedIssuer } from '../tls/verify-codes.ts';
import type { UpstreamTlsOptions } from './types.ts';

/** The options passed to tls.connect, built once per pool (never per connection). */
export function upstreamTlsConnectOptions(opts: UpstreamTlsOptions): tls.ConnectionOptions {
  return {
    // RFC 6066 forbids IP addresses in SNI; the certificate is still checked against the name.
    ...(net.isIP(opts.servername) === 0 ? { servername: opts.servername } : {}),
    ...(opts.caPems !== undefined ? { ca: [...opts.caPems] } : {}),
    ...(opts.clientCertificate !== undefined
      ? { cert: opts.clientCertificate.certPem, key: opts.clientCertificate.keyPem }
      : {}),
    rejectUnauthorized: opts.verify,
    checkServerIdentity: opts.verify
      ? (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(opts.servername, cert)
      : () => undefined,
    ALPNProtocols: ['http/1.1'],
  };
}

/** A TLS failure toward the upstream in words, or undefined when `code` is not a TLS error. */
export function describeUpstreamTlsError(
  code: string,
  message: string,
  where: string,
  servername: string,
  hasCa: boolean,
): string | undefined {
  if (isUntrustedIssuer(code)) {
    return `TLS to ${where}: certificate not trusted (${code}): it is not signed by ${hasCa ? 'the CA in upstream.ca' : 'a CA in the system store'}; set upstream.ca to the CA that issued it`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS to ${where}: name mismatch: the certificate does not name "${servername}" (${message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}); set upstream.servername to a name it carries`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `TLS to ${where}: the upstream certificate has expired (${code})`;
  if (code === 'CERT_NOT_YET_VALID')
    return `TLS to ${where}: the upstream certificate is not valid yet (${code})`;
  if (code === 'CERT_REVOKED') return `TLS to ${where}: the upstream certificate is revoked (${code})`;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.includes('CERT')) {
    return `TLS to ${where} failed: ${message.split('\n')[0]} (${code})`;
  }
  return undefined;
}
