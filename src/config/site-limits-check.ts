// `limits:` of a site (issue 16): max_body, max_header_bytes, max_header_fields, each at most the
// listener's: the listener's parser reads a request head before its Host says which site it is for,
// so a site can only be stricter (a wider site value would never apply).

import type { HttpLimits } from '../http/limits.ts';
import type { SiteLimits } from '../http/rules/index.ts';
import type { CheckContext } from './check-context.ts';
import type { RawSite } from './schema.ts';
import { parseSize } from './size.ts';

export function checkSiteLimits(
  ctx: CheckContext,
  sp: string,
  raw: RawSite['limits'],
  listener: HttpLimits,
): SiteLimits | null {
  if (raw === undefined) return null;
  const size = (v: number | string | undefined): number => {
    if (v === undefined) return 0;
    const r = parseSize(v);
    return r.ok ? r.value : 0; // the schema has said why
  };
  const out = {
    maxBody: size(raw.max_body),
    maxHeaderBytes: size(raw.max_header_bytes),
    maxHeaderFields: raw.max_header_fields ?? 0,
  };
  const wider = (key: string, site: number, lst: number): void => {
    if (site > 0 && lst > 0 && site > lst)
      ctx.add(
        'error',
        `${sp}.limits.${key}`,
        `${key} (${site}) is above the listener's (${lst}): a site can only narrow the listener's limits`,
        `lower it, or raise the listener's limits.${key}`,
      );
  };
  wider('max_body', out.maxBody, listener.maxBody);
  wider('max_header_bytes', out.maxHeaderBytes, listener.maxHeaderBytes);
  wider('max_header_fields', out.maxHeaderFields, listener.maxHeaderFields);
  if (raw.max_body !== undefined && out.maxBody === 0)
    ctx.add(
      'error',
      `${sp}.limits.max_body`,
      "max_body 0 would lift the listener's limit for this site",
      "omit it to keep the listener's",
    );
  return out;
}
