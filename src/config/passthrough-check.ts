// Settings a passthrough site cannot use: said as warnings instead of ignored.

import type { CheckContext } from './check-context.ts';
import type { RawSite } from './schema.ts';

/** Settings a passthrough site cannot use: say so instead of ignoring them. */
export function checkPassthroughUnused(ctx: CheckContext, sp: string, site: RawSite): void {
  if (site.certificates !== undefined) {
    ctx.add(
      'warning',
      `${sp}.certificates`,
      'a passthrough site needs no certificate or key: the upstream terminates TLS with its own',
      'remove certificates (and keep the private key only where the upstream runs)',
    );
  }
  if (site.tls !== undefined) {
    ctx.add(
      'warning',
      `${sp}.tls`,
      'tls settings have no effect on a passthrough site: the upstream negotiates',
      'remove tls here and set the policy on the upstream server',
    );
  }
  if (site.alpn !== undefined) {
    ctx.add(
      'warning',
      `${sp}.alpn`,
      'alpn has no effect on a passthrough site: the upstream chooses the protocol',
      'remove alpn',
    );
  }
}
