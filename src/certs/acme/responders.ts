// The data plane's side of ACME challenges: lookups in the ChallengeStore, nothing else. No ACME
// client here (DESIGN.md: acme-client stays out of the serving processes).
//
//   port 80:   answerHttp01(store, method, path) → the key authorization for
//              GET /.well-known/acme-challenge/<token>, 404 for an unknown token, undefined for any
//              other path (which the listener redirects to HTTPS as usual)
//   TLS port:  a ClientHello offering ALPN "acme-tls/1" (offersAcmeTlsAlpn) is answered with
//              tlsAlpn01Certificate(store, sni) and ALPN acme-tls/1, then closed (RFC 8737 §3)

import { normalizeName } from '../names.ts';
import type { ChallengeStore } from './challenge-store.ts';
import type { ChallengeCertificate } from './tls-alpn-certificate.ts';

export const ACME_TLS_ALPN = 'acme-tls/1';
export const HTTP01_PREFIX = '/.well-known/acme-challenge/';

/** Store keys: one namespace per challenge type. */
export const challengeKey = {
  http01: (token: string): string => `http-01:${token}`,
  tlsAlpn01: (identifier: string): string => `tls-alpn-01:${normalizeName(identifier)}`,
} as const;

const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** The token of an HTTP-01 request target, or undefined when it is not one (query strings refused). */
export function http01Token(target: string): string | undefined {
  if (!target.startsWith(HTTP01_PREFIX)) return undefined;
  const token = target.slice(HTTP01_PREFIX.length);
  return TOKEN.test(token) ? token : undefined;
}

export const isHttp01Path = (target: string): boolean => target.startsWith(HTTP01_PREFIX);

/** The key authorization to answer for `token`, or undefined. */
export async function http01Response(store: ChallengeStore, token: string): Promise<string | undefined> {
  if (!TOKEN.test(token)) return undefined;
  return store.get(challengeKey.http01(token));
}

export interface Http01Answer {
  readonly status: 200 | 404 | 405;
  readonly contentType: 'text/plain';
  readonly body: string;
}

/**
 * What port 80 answers for a request: undefined when the path is not under
 * /.well-known/acme-challenge/ (the caller redirects as usual); otherwise 200 with the key
 * authorization, 404 for an unknown token, 405 for a method other than GET/HEAD.
 */
export async function answerHttp01(
  store: ChallengeStore,
  method: string,
  target: string,
): Promise<Http01Answer | undefined> {
  if (!isHttp01Path(target)) return undefined;
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, contentType: 'text/plain', body: '' };
  const token = http01Token(target);
  const value = token === undefined ? undefined : await http01Response(store, token);
  return value === undefined
    ? { status: 404, contentType: 'text/plain', body: 'no such ACME challenge\n' }
    : { status: 200, contentType: 'text/plain', body: value };
}

/** RFC 8737: the validation handshake offers acme-tls/1 (alone); any offer of it is routed here. */
export const offersAcmeTlsAlpn = (alpn: readonly string[] | undefined): boolean =>
  alpn?.includes(ACME_TLS_ALPN) ?? false;

/** The challenge certificate for the SNI name, or undefined (then refuse the handshake). */
export async function tlsAlpn01Certificate(
  store: ChallengeStore,
  servername: string | undefined,
): Promise<ChallengeCertificate | undefined> {
  if (!servername) return undefined;
  const raw = await store.get(challengeKey.tlsAlpn01(servername));
  if (raw === undefined) return undefined;
  try {
    const o = JSON.parse(raw) as { certPem?: unknown; keyPem?: unknown };
    return typeof o.certPem === 'string' && typeof o.keyPem === 'string'
      ? { certPem: o.certPem, keyPem: o.keyPem }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The lookups bound to one store, for a data plane that holds the store once. */
export interface ChallengeResponder {
  http01Response(token: string): Promise<string | undefined>;
  answerHttp01(method: string, target: string): Promise<Http01Answer | undefined>;
  tlsAlpn01Certificate(servername: string | undefined): Promise<ChallengeCertificate | undefined>;
}

export function createChallengeResponder(store: ChallengeStore): ChallengeResponder {
  return {
    http01Response: (token) => http01Response(store, token),
    answerHttp01: (method, target) => answerHttp01(store, method, target),
    tlsAlpn01Certificate: (servername) => tlsAlpn01Certificate(store, servername),
  };
}
