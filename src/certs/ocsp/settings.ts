// A site's `ocsp:` as the plan holds it.

export interface OcspPlan {
  /** false: never staple. Absent from the config: on when the certificate names a responder. */
  readonly enabled: boolean;
  /** Asked instead of the certificate's AIA responder. */
  readonly responder?: string;
  /** Send a nonce (off by default: CDN-fronted responders answer from a cache and ignore it). */
  readonly nonce: boolean;
}

export const DEFAULT_OCSP: OcspPlan = { enabled: true, nonce: false };

/** Where to ask for this certificate, in order; empty when stapling is off or nowhere to ask. */
export const responderUrls = (plan: OcspPlan, aiaUrls: readonly string[]): readonly string[] =>
  !plan.enabled ? [] : plan.responder !== undefined ? [plan.responder] : aiaUrls;
