// `upgrade:` of a site: the HTTP/1.1 Upgrade protocols tunnelled to its upstream (issue 13). Default
// [websocket]; [] tunnels none. Anything else offered is forwarded without its Upgrade.

import type { CheckContext } from './check-context.ts';

// RFC 9110 §5.6.2 tchar, and "/" for protocol-name/protocol-version (§7.8).
const PROTOCOL = /^[!#$%&'*+.^_`|~0-9a-z-]+(\/[!#$%&'*+.^_`|~0-9a-z-]+)?$/;

/** The allowlist (lower-cased), or undefined when the key is absent; Problems go to `ctx`. */
export function checkUpgrade(
  ctx: CheckContext,
  sp: string,
  raw: readonly string[] | undefined,
  servesHttp: boolean,
): readonly string[] | undefined {
  if (raw === undefined) return undefined;
  const where = `${sp}.upgrade`;
  if (!servesHttp) {
    ctx.add(
      'warning',
      where,
      'upgrade has no effect on a site that does not proxy HTTP (passthrough or tcp:// upstream)',
      'remove upgrade',
    );
    return undefined;
  }
  const out: string[] = [];
  raw.forEach((entry, k) => {
    const name = entry.trim().toLowerCase();
    if (!PROTOCOL.test(name)) {
      ctx.add(
        'error',
        `${where}[${k}]`,
        `'${entry}' is not an Upgrade protocol name`,
        'list protocol tokens such as websocket',
      );
      return;
    }
    if (out.includes(name)) {
      ctx.add('warning', `${where}[${k}]`, `'${entry}' is listed twice`, 'remove the duplicate');
      return;
    }
    if (name === 'h2c' || name.startsWith('h2c/')) {
      ctx.add(
        'warning',
        `${where}[${k}]`,
        'h2c tunnels HTTP/2 past tlsterm: requests inside it are neither sanitised (X-Forwarded-For, X-Client-Verify reach the app as the client sent them) nor logged',
        'remove h2c; clients get HTTP/2 from tlsterm itself over TLS (ALPN h2)',
      );
    }
    out.push(name);
  });
  return out;
}
