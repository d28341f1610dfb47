// `rate_limit:` of a site (issue 16): key (client_ip | header:NAME), rate (N/s or N/m), burst
// (default: one second's worth, at least 1), status (default 429), max_keys (the memory bound).

import { isTokenString } from '../http/chars.ts';
import { DEFAULT_MAX_KEYS, type RateLimitSpec } from '../http/rules/index.ts';
import type { CheckContext } from './check-context.ts';
import type { RawSite } from './schema.ts';

export function checkRateLimit(
  ctx: CheckContext,
  sp: string,
  raw: RawSite['rate_limit'],
): RateLimitSpec | null {
  if (raw === undefined) return null;
  const where = `${sp}.rate_limit`;
  let ok = true;
  let header: string | null = null;
  const key = raw.key.trim();
  if (key.toLowerCase().startsWith('header:')) {
    header = key.slice(7).trim().toLowerCase();
    if (!isTokenString(header)) {
      ctx.add(
        'error',
        `${where}.key`,
        `'${key}' does not name a header`,
        'write header:NAME, e.g. header:x-api-key',
      );
      ok = false;
    }
  } else if (key !== 'client_ip') {
    ctx.add('error', `${where}.key`, `unknown rate limit key '${key}'`, 'key is client_ip or header:NAME');
    ok = false;
  }
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*\/\s*(s|sec|second|m|min|minute)\s*$/.exec(raw.rate);
  let perSecond = 0;
  if (m === null || Number(m[1]) <= 0) {
    ctx.add(
      'error',
      `${where}.rate`,
      `'${raw.rate}' is not a rate`,
      'write N/s or N/m with N above 0, e.g. 100/s',
    );
    ok = false;
  } else perSecond = Number(m[1]) / (m[2]!.startsWith('m') ? 60 : 1);
  if (!ok) return null;
  const burst = raw.burst ?? Math.max(1, Math.ceil(perSecond));
  return { header, perSecond, burst, status: raw.status ?? 429, maxKeys: raw.max_keys ?? DEFAULT_MAX_KEYS };
}
