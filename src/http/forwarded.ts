// X-Forwarded-* and RFC 7239 Forwarded values. The client-dependent part is the same for every
// request on a connection, so it is rendered once per connection.

import { Buffer } from 'node:buffer';
import { TOKEN } from './chars.ts';

/** Node reports IPv4 peers on a dual-stack socket as IPv4-mapped IPv6; proxies conventionally log the IPv4. */
export const plainAddress = (address: string): string =>
  address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;

/** A Forwarded `for=` node (RFC 7239 §6): IPv6 bracketed and quoted, unknown as `unknown`. */
export const forwardedNode = (address: string): string => {
  if (address === '') return 'unknown';
  return address.includes(':') ? `"[${address}]"` : address;
};

/** A Forwarded parameter value: a token as is, anything else as a quoted-string. */
export const forwardedValue = (value: string): string => {
  for (let i = 0; i < value.length; i++) {
    if (TOKEN[value.charCodeAt(i)] !== 1) return `"${value.replace(/["\\]/g, '\\$&')}"`;
  }
  return value;
};

/** Per-connection renderings of the client part. */
export interface ForwardedParts {
  /** The client address as it goes into X-Forwarded-For. */
  readonly address: string;
  /** `for=…;proto=https` (the start of our Forwarded element). */
  readonly element: string;
  /**
   * The lines added to every request when incoming values are not trusted, up to and including
   * `forwarded: for=…;proto=https` (the caller appends `;host=…` and CRLF, then X-Forwarded-Host).
   * Starts with `clientCert`.
   */
  readonly fixed: Buffer;
  /** Client-certificate lines (x-client-verify, x-forwarded-client-cert), each ending in CRLF; '' when none. */
  readonly clientCert: string;
}

/** `clientCertLines`: rendered by the terminator once per connection (see ConnectionInfo). */
export const forwardedParts = (clientAddress: string, clientCertLines = ''): ForwardedParts => {
  const address = plainAddress(clientAddress);
  const element = `for=${forwardedNode(address)};proto=https`;
  const fixed = Buffer.from(
    `${clientCertLines}x-forwarded-for: ${address}\r\nx-forwarded-proto: https\r\nforwarded: ${element}`,
    'latin1',
  );
  return { address, element, fixed, clientCert: clientCertLines };
};
