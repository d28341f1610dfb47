// Where a site's decrypted (or passed-through) traffic goes: an upstream or a built-in handler, never
// both, never neither.

import { closestNames, didYouMean } from '../tls/suggest.ts';
import type { CheckContext } from './check-context.ts';
import type { Handler, Upstream } from './plan.ts';
import type { RawSite } from './schema.ts';
import { checkUpstream } from './upstream-check.ts';

const HANDLERS = ['inspect'] as const;

/** Empty: a site with routes only (a request no route matches gets 404). */
export type SiteTarget = { upstream: Upstream } | { handler: Handler } | Record<never, never>;

export async function checkTarget(
  ctx: CheckContext,
  sp: string,
  site: RawSite,
  mode: 'terminate' | 'passthrough',
): Promise<SiteTarget | undefined> {
  if (site.upstream !== undefined && site.handler !== undefined) {
    ctx.add(
      'error',
      sp,
      'the site has both upstream and handler',
      'keep one: upstream proxies to a server, handler answers itself',
    );
    return undefined;
  }
  if (
    site.upstream === undefined &&
    site.handler === undefined &&
    site.routes !== undefined &&
    mode === 'terminate'
  )
    return {};
  if (site.upstream === undefined && site.handler === undefined) {
    ctx.add(
      'error',
      sp,
      mode === 'passthrough'
        ? 'a passthrough site needs an upstream'
        : 'the site has neither upstream nor handler',
      mode === 'passthrough'
        ? 'add upstream: tcp://HOST:PORT (the server that terminates TLS for these names)'
        : 'add upstream: http://127.0.0.1:3000 (proxy) or handler: inspect (show the TLS handshake)',
    );
    return undefined;
  }
  if (site.handler !== undefined) {
    if (mode === 'passthrough') {
      ctx.add(
        'error',
        `${sp}.handler`,
        'a passthrough site cannot have a handler: tlsterm never decrypts its traffic',
        'remove handler and give an upstream: tcp://HOST:PORT, or use mode: terminate',
      );
      return undefined;
    }
    if ((HANDLERS as readonly string[]).includes(site.handler)) return { handler: { kind: 'inspect' } };
    ctx.add(
      'error',
      `${sp}.handler`,
      `unknown handler '${site.handler}'${didYouMean(closestNames(site.handler, HANDLERS))}`,
      `handlers: ${HANDLERS.join(', ')}`,
    );
    return undefined;
  }
  if (site.upstream === undefined) return undefined;
  const upstream = await checkUpstream(ctx, sp, site.upstream, mode);
  return upstream ? { upstream } : undefined;
}
