// Mutual TLS at the terminator: what the app is told about the client certificate, and what a
// failed verification is called in the handshake event.
//
// The app gets two headers on every request of the connection (rendered once per connection):
//   x-client-verify: SUCCESS | NONE | FAILED:<OpenSSL verify code>   (nginx's $ssl_client_verify)
//   x-forwarded-client-cert: Hash=…;Cert="…";Subject="…";URI=…;DNS=…  (Envoy's format; verified only)
// Both are removed from incoming requests whatever the site's settings, so a client cannot forge them.

import type { X509Certificate } from 'node:crypto';
import { subjectAltNameEntries } from '../../certs/names.ts';
import type { ClientAuth } from '../../config/plan.ts';
import { isUntrustedIssuer, verifyCodeInWords } from '../../tls/verify-codes.ts';
import type { Failure } from './failure-reason.ts';

export interface PeerCertificateView {
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
  readonly certificate: X509Certificate | undefined;
}

/** RFC 4514 order (most specific first) from Node's one-attribute-per-line subject. */
export function rfc4514Subject(subject: string): string {
  return subject
    .split('\n')
    .filter((l) => l !== '')
    .reverse()
    .map((line) => {
      const eq = line.indexOf('=');
      const type = line.slice(0, eq);
      const value = line
        .slice(eq + 1)
        .replace(/[\\,+"<>;=]/g, '\\$&')
        .replace(/^[ #]/, '\\$&')
        .replace(/ $/, '\\ ');
      return `${type}=${value}`;
    })
    .join(',');
}

/** Envoy's quoting: a value with , ; = or " is double-quoted, with " and \ escaped. */
const xfccValue = (v: string): string => (/[,;="\\]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : v);

export function renderXfcc(cert: X509Certificate, withPem: boolean): string {
  const parts = [`Hash=${cert.fingerprint256.replace(/:/g, '').toLowerCase()}`];
  if (withPem) parts.push(`Cert="${encodeURIComponent(cert.toString())}"`);
  parts.push(`Subject="${rfc4514Subject(cert.subject).replace(/["\\]/g, '\\$&')}"`);
  for (const { kind, value } of subjectAltNameEntries(cert.subjectAltName)) {
    if (kind === 'URI') parts.push(`URI=${xfccValue(value)}`);
    else if (kind === 'DNS') parts.push(`DNS=${xfccValue(value)}`);
  }
  return parts.join(';');
}

/** nginx's $ssl_client_verify values. */
export function verifyStatus(peer: PeerCertificateView): string {
  if (peer.authorized) return 'SUCCESS';
  if (peer.certificate === undefined) return 'NONE';
  return `FAILED:${peer.authorizationError ?? 'unknown'}`;
}

/** The header lines for the upstream (each ending CRLF). Header values are latin1-safe by construction. */
export function clientCertLines(peer: PeerCertificateView, auth: ClientAuth): string {
  let lines = `x-client-verify: ${verifyStatus(peer)}\r\n`;
  if (peer.authorized && peer.certificate !== undefined) {
    lines += `x-forwarded-client-cert: ${renderXfcc(peer.certificate, auth.forwardPem)}\r\n`;
  }
  return lines;
}

/**
 * A client certificate that failed verification on a `required` site. Node verifies after OpenSSL
 * has finished the handshake (its verify callback accepts everything) and then closes the
 * connection, so this comes from the socket's authorizationError, not from an OpenSSL alert.
 * Expired and untrusted keep their own reasons (documented, and the fix differs: renew, or fix
 * client_auth.ca); anything else (wrong key usage, revoked, …) is client_certificate_rejected with
 * the code in words, never "untrusted".
 */
export function clientCertificateFailure(code: string): Failure {
  if (code === 'CERT_HAS_EXPIRED')
    return {
      reason: 'client_certificate_expired',
      detail: `client certificate has expired (${code}); the client needs a new one`,
    };
  if (code === 'CERT_NOT_YET_VALID')
    return {
      reason: 'client_certificate_expired',
      detail: `client certificate is not valid yet (${code}); check the client's clock or the certificate's dates`,
    };
  if (isUntrustedIssuer(code))
    return {
      reason: 'client_certificate_untrusted',
      detail: `client certificate is not signed by a CA in client_auth.ca (${code})`,
    };
  return {
    reason: 'client_certificate_rejected',
    detail: `client certificate rejected: ${verifyCodeInWords(code)}`,
  };
}
