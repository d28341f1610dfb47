// A site's TLS policy: its own `tls:` narrowing the listener's, then checked against the key types of
// its certificates.

import type { CertificatePair } from '../certs/pair.ts';
import type { TlsPolicy } from '../tls/policy.ts';
import { checkPolicyAgainstCertificates, resolvePolicy } from '../tls/policy.ts';
import type { Checker } from './checker.ts';
import type { RawSite } from './schema.ts';

export function checkSitePolicy(
  ctx: Checker,
  lp: string,
  sp: string,
  site: RawSite,
  listenerHasTls: boolean,
  listenerPolicy: TlsPolicy | undefined,
  pairs: readonly CertificatePair[],
): TlsPolicy | undefined {
  let policy = listenerPolicy;
  if (site.tls !== undefined && listenerPolicy) {
    const result = resolvePolicy(site.tls, listenerPolicy);
    ctx.adopt(`${sp}.tls`, result.problems);
    policy = result.policy;
  }
  if (policy && pairs.length > 0) {
    const where =
      site.tls !== undefined
        ? `${sp}.tls${site.tls.ciphers ? '.ciphers' : ''}`
        : listenerHasTls
          ? `${lp}.tls`
          : `${sp}.certificates`;
    for (const p of checkPolicyAgainstCertificates(
      policy,
      pairs.map((x) => x.keyType),
    )) {
      ctx.add(p.severity, where, p.message, p.hint);
    }
  }
  return policy;
}
