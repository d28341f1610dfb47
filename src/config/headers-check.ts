// `headers:` and `hsts:` of a site (issue 16): the request and response edits compiled once (names
// are tokens, values one line, framing / hop-by-hop / Host / pseudo-headers refused), HSTS folded
// into the response edits as a `set` of Strict-Transport-Security.

import {
  compileHeaderEdits,
  type HeaderEditSpec,
  type HeaderEdits,
  hstsValue,
  PRELOAD_MIN_AGE_S,
} from '../http/rules/index.ts';
import type { CheckContext } from './check-context.ts';
import type { RawSite } from './schema.ts';

const UNIT_S: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/** HSTS max-age in seconds: "1y", "180d", "1y6m"… or a number of seconds (the header's unit). */
export const parseMaxAge = (input: number | string): number | string => {
  if (typeof input === 'number')
    return Number.isSafeInteger(input) && input >= 0 ? input : `${input} is not a whole number of seconds`;
  const t = input.trim().toLowerCase().replaceAll(' ', '');
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+[smhdwy])+$/.test(t)) return `'${input}' is not a duration: write e.g. "1y", "180d" or seconds`;
  let s = 0;
  for (const m of t.matchAll(/(\d+)([smhdwy])/g)) s += Number(m[1]) * (UNIT_S[m[2] ?? 's'] ?? 1);
  return s;
};

const edits = (
  ctx: CheckContext,
  where: string,
  spec: HeaderEditSpec | undefined,
  extra: readonly (readonly [string, string])[],
): HeaderEdits | null => {
  if (spec === undefined && extra.length === 0) return null;
  const { edits: e, problems } = compileHeaderEdits(spec ?? {}, extra);
  for (const p of problems) ctx.add('error', `${where}.${p.where}`, p.message, p.hint);
  return e.drop.length === 0 && e.pairs.length === 0 ? null : e;
};

export function checkHeaders(
  ctx: CheckContext,
  sp: string,
  site: RawSite,
): { request: HeaderEdits | null; response: HeaderEdits | null } {
  const hsts: [string, string][] = [];
  const h = site.hsts;
  if (h !== undefined) {
    const age = parseMaxAge(h.max_age);
    if (typeof age === 'string')
      ctx.add(
        'error',
        `${sp}.hsts.max_age`,
        age,
        'e.g. max_age: 1y (the preload list asks for at least a year)',
      );
    else {
      const spec = {
        maxAgeSeconds: age,
        includeSubdomains: h.include_subdomains ?? false,
        preload: h.preload ?? false,
      };
      if (spec.preload && !spec.includeSubdomains)
        ctx.add(
          'warning',
          `${sp}.hsts.preload`,
          'the preload list refuses a policy without includeSubDomains',
          'add include_subdomains: true (every subdomain must then serve HTTPS)',
        );
      if (spec.preload && age < PRELOAD_MIN_AGE_S)
        ctx.add(
          'warning',
          `${sp}.hsts.max_age`,
          `the preload list asks for max_age of at least 1y (31536000 s), not ${age} s`,
          'max_age: 1y',
        );
      if (age === 0)
        ctx.add(
          'warning',
          `${sp}.hsts.max_age`,
          "max_age 0 tells browsers to forget this host's HSTS policy",
          'intended only to withdraw HSTS; otherwise max_age: 1y',
        );
      hsts.push(['strict-transport-security', hstsValue(spec)]);
    }
  }
  const hs = site.headers;
  const response = edits(ctx, `${sp}.headers.response`, hs?.response, hsts);
  if (hsts.length > 0 && hs?.response !== undefined) {
    const all = [...Object.keys(hs.response.set ?? {}), ...Object.keys(hs.response.add ?? {})];
    if (all.some((n) => n.toLowerCase() === 'strict-transport-security'))
      ctx.add(
        'warning',
        `${sp}.headers.response`,
        'Strict-Transport-Security is set here and by hsts: both are sent',
        'keep hsts: and remove the header edit',
      );
  }
  return { request: edits(ctx, `${sp}.headers.request`, hs?.request, []), response };
}
