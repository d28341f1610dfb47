// `alpn:` of a site: what it offers in the handshake (HTTP sites h2 and http/1.1, tcp:// sites and
// passthrough nothing unless told), each protocol 1 to 255 bytes, none twice.

import { Buffer } from 'node:buffer';
import type { CheckContext } from './check-context.ts';
import { DEFAULTS } from './defaults.ts';
import type { RawSite } from './schema.ts';
import type { SiteTarget } from './site-target-check.ts';

export function checkAlpn(
  ctx: CheckContext,
  sp: string,
  site: RawSite,
  mode: 'terminate' | 'passthrough',
  target: SiteTarget | undefined,
): string[] {
  const defaultAlpn = target && 'upstream' in target && target.upstream.kind === 'tcp' ? [] : DEFAULTS.alpn;
  const alpn = mode === 'passthrough' ? [] : [...(site.alpn ?? defaultAlpn)];
  if (site.alpn !== undefined && mode === 'terminate') {
    if (alpn.length === 0) {
      ctx.add(
        'error',
        `${sp}.alpn`,
        'alpn is an empty list',
        'remove the key for the default [h2, http/1.1]',
      );
    }
    alpn.forEach((proto, k) => {
      const bytes = Buffer.byteLength(proto);
      if (bytes === 0 || bytes > 255) {
        ctx.add(
          'error',
          `${sp}.alpn[${k}]`,
          `ALPN protocol '${proto}' must be 1 to 255 bytes`,
          'e.g. h2, http/1.1',
        );
      } else if (alpn.indexOf(proto) !== k) {
        ctx.add(
          'warning',
          `${sp}.alpn[${k}]`,
          `ALPN protocol '${proto}' is listed twice`,
          'remove the duplicate',
        );
      }
    });
  }
  return alpn;
}
