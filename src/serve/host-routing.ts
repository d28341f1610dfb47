// Host routing (issue 13): which site of a listener serves a request, decided per request from its
// Host / :authority, consistent with the site the TLS connection was made for (by SNI). Browsers send
// a request for any name the connection's certificate covers over that connection (RFC 9113
// §9.1.1), so another site's request is served only where the connection could have been made for
// that site: its certificate covers the name and both sites negotiate and authenticate alike.
// Otherwise 421 Misdirected Request (RFC 9110 §15.5.20), which browsers retry on a new connection.
// Everything here is pure and built once per listener; a request for the connection's own site costs a
// map lookup, and SiteChoice (http/site-choice.ts) remembers the last host's answer.

import { coveredBy, normalizeName } from '../certs/names.ts';
import type { CertificatePair } from '../certs/pair.ts';
import type { ClientAuth, SitePlan } from '../config/plan.ts';
import type { TlsPolicy } from '../tls/policy.ts';
import { buildSiteIndex, type SiteIndex, siteForName } from './router.ts';

export interface HostRouting<S> {
  /** Names of the listener's sites (exact and wildcard); its fallback is the default site. */
  readonly index: SiteIndex<S>;
  /** strict_sni: no default site, so a name no site serves is never served. */
  readonly strict: boolean;
  /** For each site, the other sites a connection made for it may serve (coalescing). */
  readonly compatible: ReadonlyMap<S, ReadonlySet<S>>;
}

export type HostDecision<S> = { readonly site: S } | { readonly misdirected: string };

/** Decrypted traffic is HTTP: a terminating site with an http(s):// upstream or a handler. */
const servesHttp = (p: SitePlan): boolean =>
  p.mode === 'terminate' && (p.upstream === undefined || p.upstream.kind === 'http');

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const samePolicy = (a: TlsPolicy, b: TlsPolicy): boolean =>
  a.minVersion === b.minVersion &&
  a.maxVersion === b.maxVersion &&
  sameList(a.ciphers12, b.ciphers12) &&
  sameList(a.ciphers13, b.ciphers13) &&
  sameList(a.groups, b.groups);

const sameClientAuth = (a: ClientAuth | undefined, b: ClientAuth | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.mode === b.mode && a.forwardPem === b.forwardPem && sameList(a.caPems, b.caPems);

/**
 * May a connection made for `a` carry requests for `b`? Only when the handshake would have been
 * the same: policy (versions, ciphers, groups), ALPN, and client authentication, so a site that
 * requires a client certificate never serves a connection that was not asked for one.
 */
export const coalescable = (a: SitePlan, b: SitePlan): boolean =>
  servesHttp(a) &&
  servesHttp(b) &&
  samePolicy(a.policy, b.policy) &&
  sameList(a.alpn, b.alpn) &&
  sameClientAuth(a.clientAuth, b.clientAuth);

export function buildHostRouting<S extends { readonly plan: SitePlan }>(
  sites: readonly S[],
  strictSni: boolean,
): HostRouting<S> {
  const compatible = new Map<S, Set<S>>();
  for (const a of sites) {
    const set = new Set<S>();
    for (const b of sites) if (b !== a && coalescable(a.plan, b.plan)) set.add(b);
    compatible.set(a, set);
  }
  return { index: buildSiteIndex(sites), strict: strictSni, compatible };
}

/**
 * A request's host as routed: lower-case, without port, brackets or trailing dot; IP literals in
 * canonical form ("[::1]:8443" → "::1"). The input has passed validHost.
 */
export function requestHostName(raw: string): string {
  let end = raw.length;
  if (raw.charCodeAt(0) === 0x5b) end = raw.indexOf(']') + 1;
  else {
    const colon = raw.indexOf(':');
    if (colon >= 0) end = colon;
  }
  return normalizeName(end === raw.length ? raw : raw.slice(0, end));
}

/**
 * Does the connection's certificate cover the name? The connection holds one of the pairs in
 * service when it was made (RSA or EC): all of them must cover it, whichever was chosen.
 */
export function certificatesCover(pairs: readonly CertificatePair[], name: string): boolean {
  return pairs.length > 0 && pairs.every((p) => coveredBy(name, p.sans));
}

/**
 * The site that serves `name` on a connection made for `own` (holding certificate `pairs`):
 * - a name of `own`: `own`;
 * - a name of another site: that site, if `own`'s certificate covers the name and the two sites
 *   are coalescable; else 421;
 * - a name of no site: `own` if it is the listener's default site (as nginx's default_server, and
 *   as for a connection without SNI: IP-address clients), unless strict_sni; else 421.
 */
export function decideHost<S extends { readonly plan: SitePlan }>(
  routing: HostRouting<S>,
  own: S,
  pairs: readonly CertificatePair[],
  name: string,
): HostDecision<S> {
  const site = siteForName(routing.index, name);
  if (site === own) return { site: own };
  if (site === undefined) {
    if (!routing.strict && routing.index.fallback === own) return { site: own };
    return {
      misdirected: routing.strict
        ? `no site serves host ${name} and strict_sni is on`
        : `no site serves host ${name} and the connection's site ${own.plan.id} is not the default`,
    };
  }
  if (!routing.compatible.get(own)?.has(site)) {
    return {
      misdirected: `host ${name} is served by ${site.plan.id}, whose TLS or client-certificate settings differ from ${own.plan.id}'s`,
    };
  }
  if (!certificatesCover(pairs, name))
    return { misdirected: `the connection's certificate does not cover host ${name}` };
  return { site };
}
