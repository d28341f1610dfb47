// `sites:` of a TLS listener: each site's hosts (one owner per name, one default per listener), then
// its target, ALPN, certificates, policy, client auth and upgrades, each from its own check.

import { parseHostPattern } from '../certs/names.ts';
import type { HttpLimits } from '../http/limits.ts';
import { hasErrors } from '../problems.ts';
import type { TlsPolicy } from '../tls/policy.ts';
import { checkAlpn } from './alpn-check.ts';
import { checkCertificates } from './certificates-check.ts';
import type { Checker } from './checker.ts';
import { checkClientAuth } from './client-auth-check.ts';
import { checkFilters } from './filters-check.ts';
import { checkOcsp } from './ocsp-check.ts';
import { checkPassthroughUnused } from './passthrough-check.ts';
import type { SitePlan } from './plan.ts';
import { checkRoutes } from './routes-check.ts';
import type { RawSite } from './schema.ts';
import { checkSitePolicy } from './site-policy-check.ts';
import { checkTarget } from './site-target-check.ts';
import { checkUpgrade } from './upgrade-check.ts';

/** The listener's site plans (the default one marked), or undefined when a site has an error. */
export async function checkSites(
  ctx: Checker,
  lp: string,
  rawSites: readonly RawSite[],
  listenerHasTls: boolean,
  listenerPolicy: TlsPolicy | undefined,
  listenerLimits: HttpLimits,
): Promise<SitePlan[] | undefined> {
  const plans: SitePlan[] = [];
  const hostOwner = new Map<string, number>();
  let defaultIndex: number | undefined;
  let ok = true;

  for (const [j, site] of rawSites.entries()) {
    const sp = `${lp}.sites[${j}]`;
    const before = ctx.problems.length;

    // hosts
    const hosts: string[] = [];
    for (const [k, rawHost] of site.hosts.entries()) {
      const parsed = parseHostPattern(rawHost);
      if (!parsed.ok) {
        ctx.add(
          'error',
          `${sp}.hosts[${k}]`,
          `invalid host '${rawHost}': ${parsed.error}`,
          'use a DNS name, *.name, or an IP address',
        );
        continue;
      }
      if (hosts.includes(parsed.value)) {
        ctx.add('warning', `${sp}.hosts[${k}]`, `host '${rawHost}' is listed twice`, 'remove the duplicate');
        continue;
      }
      const owner = hostOwner.get(parsed.value);
      if (owner !== undefined) {
        ctx.add(
          'error',
          `${sp}.hosts[${k}]`,
          `host '${rawHost}' is already served by ${lp}.sites[${owner}]`,
          'a name can belong to one site per listener; remove it from one of them',
        );
      }
      hostOwner.set(parsed.value, j);
      hosts.push(parsed.value);
    }

    // default
    if (site.default === true) {
      if (defaultIndex !== undefined) {
        ctx.add(
          'error',
          `${sp}.default`,
          `a second default site: ${lp}.sites[${defaultIndex}] is already the default`,
          'keep default: true on one site per listener',
        );
      } else defaultIndex = j;
    }

    const mode = site.mode ?? 'terminate';
    if (mode === 'passthrough') checkPassthroughUnused(ctx, sp, site);

    // In this order, so the Problems come out as they always have.
    const target = await checkTarget(ctx, sp, site, mode);
    const alpn = checkAlpn(ctx, sp, site, mode, target);
    const { pairs, acme } = await checkCertificates(ctx, sp, site, mode, hosts);
    const policy = checkSitePolicy(ctx, lp, sp, site, listenerHasTls, listenerPolicy, pairs);

    const clientAuth = await checkClientAuth(ctx, sp, site.client_auth, mode);
    const upgrade = checkUpgrade(
      ctx,
      sp,
      site.upgrade,
      mode === 'terminate' && !(target && 'upstream' in target && target.upstream.kind === 'tcp'),
    );

    const ocsp = checkOcsp(ctx, sp, site.ocsp, mode, pairs, ctx.stateDir);
    const routed = site.routes === undefined ? undefined : checkRoutes(ctx, sp, site.routes, ctx.pools);
    if (
      site.routes !== undefined &&
      (mode === 'passthrough' || (target && 'upstream' in target && target.upstream.kind === 'tcp'))
    )
      ctx.add(
        'error',
        `${sp}.routes`,
        'routes need decrypted HTTP: this site forwards raw bytes (tcp://)',
        'remove routes, or give the site an http:// upstream',
      );
    if (routed !== undefined) ctx.inlinePools.push(...routed.inline);
    const filters = checkFilters(
      ctx,
      sp,
      site,
      listenerLimits,
      mode === 'terminate' && !(target && 'upstream' in target && target.upstream.kind === 'tcp'),
    );

    const siteHasErrors = hasErrors(ctx.problems.slice(before));
    if (siteHasErrors || !policy || !target || !clientAuth.ok) {
      ok = false;
      continue;
    }
    plans.push({
      id: sp,
      hosts,
      isDefault: false,
      mode,
      certificates: pairs,
      policy,
      ...target,
      alpn,
      ...(clientAuth.value !== undefined ? { clientAuth: clientAuth.value } : {}),
      ...(upgrade !== undefined ? { upgrade } : {}),
      ...(acme !== undefined ? { acme } : {}),
      ...(ocsp !== undefined ? { ocsp } : {}),
      ...(routed !== undefined ? { routes: routed.routes } : {}),
      ...(filters !== undefined ? { filters } : {}),
    });
  }

  if (!ok) return undefined;
  // Without an explicit default, the first site answers clients that send no (or an unknown) SNI.
  const chosen = defaultIndex ?? 0;
  return plans.map((p, j) => (j === chosen ? { ...p, isDefault: true } : p));
}
