// `proxy_protocol:` on a TLS listener (PROXY protocol in, behind an L4 balancer). Without `from`
// anyone could claim any client address, so `from` is required; each entry is an address or
// address/prefix.

import net from 'node:net';
import type { CheckContext } from './check-context.ts';
import type { ProxyProtocolPlan } from './plan.ts';
import type { RawListener } from './schema.ts';

export function checkProxyProtocol(
  ctx: CheckContext,
  lp: string,
  raw: RawListener,
): ProxyProtocolPlan | undefined {
  const pp = raw.proxy_protocol;
  if (pp === undefined) return undefined;
  const where = `${lp}.proxy_protocol`;
  if (pp.from === undefined || pp.from.length === 0) {
    ctx.add(
      'error',
      where,
      'proxy_protocol without from: any client could send a header claiming any address',
      'list the balancers that may send PROXY headers, e.g. from: [10.0.0.0/8]',
    );
    return undefined;
  }
  const from: string[] = [];
  for (const [i, entry] of pp.from.entries()) {
    const problem = cidrProblem(entry);
    if (problem !== undefined) {
      ctx.add(
        'error',
        `${where}.from[${i}]`,
        problem,
        'write an address (10.0.0.5) or address/prefix (10.0.0.0/8, fd00::/8)',
      );
      continue;
    }
    if (/^(0\.0\.0\.0|::)\/0$/.test(entry))
      ctx.add(
        'warning',
        `${where}.from[${i}]`,
        `${entry} trusts every address: any client can send a PROXY header and claim any address`,
        'list your balancers only',
      );
    from.push(entry);
  }
  if (from.length !== pp.from.length) return undefined;
  return { accept: pp.accept ?? 'both', from };
}

/** Why `entry` is not an address or address/prefix, or undefined. Pure. */
export function cidrProblem(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || extra !== undefined) return `'${entry}' is not an IP address or CIDR`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > max)
    return `'${entry}': the prefix length must be 0-${max} for IPv${family}`;
  return undefined;
}
