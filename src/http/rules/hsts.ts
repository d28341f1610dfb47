// `hsts:` of a site: the Strict-Transport-Security value (RFC 6797), sent on every HTTPS response of
// the site (the plain-HTTP redirect listener never sends it: §7.2 forbids it over HTTP). The preload
// list's rules (hstspreload.org: max-age ≥ 1 year, includeSubDomains) are warnings in check.

export interface HstsSpec {
  /** seconds */
  readonly maxAgeSeconds: number;
  readonly includeSubdomains: boolean;
  readonly preload: boolean;
}

export const PRELOAD_MIN_AGE_S = 31_536_000;

export const hstsValue = (h: HstsSpec): string =>
  `max-age=${h.maxAgeSeconds}${h.includeSubdomains ? '; includeSubDomains' : ''}${h.preload ? '; preload' : ''}`;
