// `certificates:` of a site (or the ACME certificate on disk): loaded and validated, one per key
// type, and every host of the site covered by each of them.

import net from 'node:net';
import type { AcmePlan } from '../certs/acme/settings.ts';
import { coveredBy, parseHostPattern } from '../certs/names.ts';
import type { CertificatePair } from '../certs/pair.ts';
import { acmeCertificateOnDisk, checkAcmeSite } from './acme-check.ts';
import type { Checker } from './checker.ts';
import type { RawSite } from './schema.ts';

export interface SiteCertificates {
  readonly pairs: CertificatePair[];
  readonly acme: AcmePlan | undefined;
}

export async function checkCertificates(
  ctx: Checker,
  sp: string,
  site: RawSite,
  mode: 'terminate' | 'passthrough',
  hosts: readonly string[],
): Promise<SiteCertificates> {
  const pairs: CertificatePair[] = [];
  let allLoaded = true;
  const acme = site.acme !== undefined ? await checkAcmeSite(ctx, sp, site, hosts) : undefined;
  if (mode === 'passthrough' || acme !== undefined) {
    // passthrough: the upstream holds the certificates; ACME: tlsterm obtains them
  } else if (site.acme !== undefined) {
    allLoaded = false; // acme settings had errors
  } else if (site.certificates === undefined || site.certificates.length === 0) {
    ctx.add(
      'error',
      site.certificates === undefined ? sp : `${sp}.certificates`,
      'the site has no certificates',
      'add certificates: [{ cert: fullchain.pem, key: privkey.pem }] (paths relative to the config file)',
    );
    allLoaded = false;
  }
  if (acme !== undefined) {
    const onDisk = await acmeCertificateOnDisk(ctx, sp, acme, hosts);
    if (onDisk) pairs.push(onDisk);
  }
  for (const [k, entry] of (mode === 'passthrough' || site.acme !== undefined
    ? []
    : (site.certificates ?? [])
  ).entries()) {
    const pair = await ctx.loadPair(entry.cert, entry.key, `${sp}.certificates[${k}]`);
    if (!pair) {
      allLoaded = false;
      continue;
    }
    const sameType = pairs.findIndex((p) => p.keyType === pair.keyType);
    if (sameType >= 0) {
      ctx.add(
        'warning',
        `${sp}.certificates[${k}]`,
        `a second ${pair.keyType.toUpperCase()} certificate: OpenSSL keeps one certificate per key type, so certificates[${sameType}] is never served`,
        'keep one EC and/or one RSA certificate per site',
      );
    }
    pairs.push(pair);
  }

  // every host covered
  if (allLoaded && pairs.length > 0) {
    site.hosts.forEach((rawHost, k) => {
      const parsed = parseHostPattern(rawHost);
      if (!parsed.ok) return;
      const covering = pairs.filter((p) => coveredBy(parsed.value, p.sans));
      if (covering.length === 0) {
        const sans = [...new Set(pairs.flatMap((p) => p.sans))];
        ctx.add(
          'error',
          `${sp}.hosts[${k}]`,
          `host '${rawHost}' is not covered by the site's certificate${pairs.length > 1 ? 's' : ''} (they name: ${sans.join(', ') || 'no DNS or IP names'})`,
          net.isIP(parsed.value)
            ? `an IP host needs an IP SAN; get a certificate for ${parsed.value} or remove the host`
            : parsed.value.startsWith('*.')
              ? `a wildcard host needs the SAN ${parsed.value} itself; get such a certificate or list concrete names`
              : parsed.value.split('.').length > 2
                ? `get a certificate that names ${parsed.value} (or a *.${parsed.value.split('.').slice(1).join('.')} wildcard), or remove the host`
                : `get a certificate that names ${parsed.value}, or remove the host`,
        );
      } else if (covering.length < pairs.length) {
        const missingTypes = pairs.filter((p) => !covering.includes(p)).map((p) => p.keyType.toUpperCase());
        ctx.add(
          'warning',
          `${sp}.hosts[${k}]`,
          `host '${rawHost}' is not covered by the site's ${missingTypes.join('/')} certificate: clients that choose it get a name mismatch`,
          'give every certificate of the site the same names',
        );
      }
    });
  }
  return { pairs, acme };
}
