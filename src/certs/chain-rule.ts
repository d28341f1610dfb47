// The one rule for "is this chain complete?", used by `check`, `serve` start, hot reload and ACME
// issuance alike (they all load through load-pair.ts).
//
// A chain (leaf first, each certificate issued by the next, order already checked) is:
// - complete and anchored when its last certificate is self-signed (the root was sent along) or is
//   issued by a trusted root (Node's store or extra_ca);
// - complete, root unknown here, when its last certificate is a CA certificate (basicConstraints
//   CA:TRUE): an intermediate whose root we cannot see. That is every private PKI (and Pebble): a
//   warning, never a refusal, since clients that trust the root verify the chain;
// - incomplete ("missing intermediate") when its last certificate is not a CA and its issuer is not
//   a trusted root. A leaf issued directly by a private root that is not listed lands here too: from
//   the leaf alone it cannot be told apart from the most common real mistake (cert.pem served instead
//   of fullchain.pem), which breaks most clients; listing the root under extra_ca (one line, and it
//   documents the trust anchor) makes it "anchored".

import type crypto from 'node:crypto';

export type ChainVerdict =
  | { readonly kind: 'anchored'; readonly rootIncluded: boolean }
  | { readonly kind: 'unknown_root'; readonly lastIndex: number; readonly issuer: string }
  | { readonly kind: 'missing_intermediate'; readonly lastIndex: number; readonly issuer: string };

export interface ChainTrust {
  /** The certificate is self-signed (its own issuer, signature checked). */
  selfSigned(cert: crypto.X509Certificate): boolean;
  /** A trusted root (Node's store or extra_ca) issued the certificate (signature checked). */
  issuedByTrustedRoot(cert: crypto.X509Certificate): boolean;
}

/** The verdict for an ordered chain (leaf first); undefined for an empty one. */
export function chainVerdict(
  certs: readonly crypto.X509Certificate[],
  trust: ChainTrust,
): ChainVerdict | undefined {
  const lastIndex = certs.length - 1;
  const last = certs[lastIndex];
  if (!last) return undefined;
  if (trust.selfSigned(last)) return { kind: 'anchored', rootIncluded: certs.length > 1 };
  if (trust.issuedByTrustedRoot(last)) return { kind: 'anchored', rootIncluded: false };
  return last.ca
    ? { kind: 'unknown_root', lastIndex, issuer: last.issuer }
    : { kind: 'missing_intermediate', lastIndex, issuer: last.issuer };
}
