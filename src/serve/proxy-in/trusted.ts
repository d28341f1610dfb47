// `proxy_protocol.from`: the balancers allowed to speak for a client. Anyone else could claim any
// address with a header, so their connections are refused before a byte is read.

import net from 'node:net';

export interface TrustedSources {
  has(address: string): boolean;
}

// A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; the CIDRs are written as IPv4.
const unmap = (a: string): string => (a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a);

/** `cidrs` were checked by config/proxy-protocol-check.ts (address/prefix, or a bare address). */
export function trustedSources(cidrs: readonly string[]): TrustedSources {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix] = cidr.split('/');
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return {
    has(address) {
      const a = unmap(address);
      return list.check(a, net.isIPv6(a) ? 'ipv6' : 'ipv4');
    },
  };
}
