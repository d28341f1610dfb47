// The filters of a site (issue 16 part 3): rules, header edits, HSTS and the site's limits, each
// from its own check; undefined when the site has none.

import type { HttpLimits } from '../http/limits.ts';
import type { SiteFilters } from '../http/rules/index.ts';
import type { CheckContext } from './check-context.ts';
import { checkCompression } from './compression-check.ts';
import { checkHeaders } from './headers-check.ts';
import { checkRateLimit } from './rate-limit-check.ts';
import { checkRules } from './rules-check.ts';
import type { RawSite } from './schema.ts';
import { checkSiteLimits } from './site-limits-check.ts';

const KEYS = ['rules', 'headers', 'hsts', 'limits', 'rate_limit', 'compression'] as const;

export function checkFilters(
  ctx: CheckContext,
  sp: string,
  site: RawSite,
  listenerLimits: HttpLimits,
  servesHttp: boolean,
): SiteFilters | undefined {
  const given = KEYS.filter((k) => site[k] !== undefined);
  if (given.length === 0) return undefined;
  if (!servesHttp) {
    for (const k of given)
      ctx.add(
        'warning',
        `${sp}.${k}`,
        `${k} has no effect on a site that does not serve HTTP (passthrough or tcp:// upstream)`,
        `remove ${k}`,
      );
    return undefined;
  }
  const rules = checkRules(
    ctx,
    sp,
    site.rules,
    site.client_auth !== undefined && site.client_auth !== 'none',
  );
  const { request, response } = checkHeaders(ctx, sp, site);
  const limits = checkSiteLimits(ctx, sp, site.limits, listenerLimits);
  const rateLimit = checkRateLimit(ctx, sp, site.rate_limit);
  const compression = checkCompression(ctx, sp, site.compression);
  return { rules, request, response, limits, rateLimit, limiter: null, compression };
}
