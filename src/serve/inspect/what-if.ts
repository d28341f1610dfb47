// "What if": the visitor's own ClientHello, narrowed as an older or stricter client would send it,
// judged by the same code that classifies real failures (handshake/failure-reason.ts `mismatch`)
// and, when it would succeed, by the group choice the handshake facts use. Pure.

import type { TlsPolicy } from '../../tls/index.ts';
import { groupById, schemeById, suiteById } from '../../tls/index.ts';
import type { ClientHello } from '../../wire/index.ts';
import { ProtocolVersion } from '../../wire/index.ts';
import { type FailureReason, mismatch, predictGroup, type SigningKey } from '../handshake/index.ts';

export interface WhatIf {
  /** The narrower client, in words. */
  readonly client: string;
  readonly outcome: 'refused' | 'accepted';
  /** The reason tlsterm would log (`handshake_failed`), when refused. */
  readonly reason?: FailureReason;
  readonly detail: string;
}

interface Variant {
  readonly client: string;
  /** undefined: the visitor's hello has nothing this variant could remove (said as such). */
  readonly make: (h: ClientHello) => ClientHello | string;
}

const isTls13Suite = (id: number): boolean => suiteById(id)?.versions === 'tls13';

/** TLS 1.2 and older: no supported_versions extension, the version in legacy_version. */
const upTo = (h: ClientHello, legacy: number): ClientHello => ({
  ...h,
  // supported_versions (43) and key_share (51) are TLS 1.3's: an older client sends neither.
  extensions: h.extensions.filter((e) => e.type !== 43 && e.type !== 51),
  legacyVersion: legacy,
  supportedVersions: [],
  keyShareGroups: [],
  cipherSuites: h.cipherSuites.filter((id) => !isTls13Suite(id)),
});

const VARIANTS: readonly Variant[] = [
  {
    client: 'the same client, TLS 1.2 only',
    make: (h) => upTo(h, ProtocolVersion.tls12),
  },
  {
    client: 'the same client, TLS 1.3 only',
    make: (h) =>
      h.supportedVersions.includes(ProtocolVersion.tls13)
        ? {
            ...h,
            supportedVersions: [ProtocolVersion.tls13],
            cipherSuites: h.cipherSuites.filter(isTls13Suite),
          }
        : 'your client did not offer TLS 1.3',
  },
  {
    client: 'the same client without post-quantum groups',
    make: (h) => {
      const classical = (id: number) => groupById(id)?.postQuantum !== true;
      if (h.supportedGroups.every(classical)) return 'your client offered no post-quantum group';
      return {
        ...h,
        supportedGroups: h.supportedGroups.filter(classical),
        keyShareGroups: h.keyShareGroups.filter(classical),
      };
    },
  },
  {
    client: 'the same client with RSA signature algorithms only',
    make: (h) => ({
      ...h,
      signatureAlgorithms: h.signatureAlgorithms.filter((id) => /^rsa_/.test(schemeById(id)?.name ?? '')),
    }),
  },
  {
    client: 'a TLS 1.1 client (the same offer, TLS 1.1 at most)',
    make: (h) => upTo(h, ProtocolVersion.tls11),
  },
];

/** What tlsterm's policy would do with each narrower version of `hello`. */
export function whatIf(
  hello: ClientHello,
  policy: TlsPolicy,
  keys: readonly SigningKey[] | undefined,
): WhatIf[] {
  return VARIANTS.map((v): WhatIf => {
    const variant = v.make(hello);
    if (typeof variant === 'string')
      return { client: v.client, outcome: 'accepted', detail: `nothing to take away: ${variant}` };
    const failure = mismatch(variant, policy, keys);
    if (failure !== undefined)
      return { client: v.client, outcome: 'refused', reason: failure.reason, detail: failure.detail };
    return { client: v.client, outcome: 'accepted', detail: acceptedAs(variant, policy) };
  });
}

function acceptedAs(h: ClientHello, policy: TlsPolicy): string {
  const tls13 =
    policy.maxVersion === 'TLS1.3' &&
    h.supportedVersions.includes(ProtocolVersion.tls13) &&
    h.cipherSuites.some(isTls13Suite);
  const version = tls13 ? 'TLS1.3' : 'TLS1.2';
  const choice = predictGroup(version, policy.groups, h.supportedGroups, h.keyShareGroups);
  const group = choice.group === undefined ? '' : ` with ${choice.group}`;
  return `negotiates ${version}${group}${choice.helloRetry ? ' after a HelloRetryRequest (no key share for it was sent)' : ''}`;
}
