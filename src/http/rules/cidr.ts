// Client address sets for `match: { client: [CIDR…] }`: IPv4 and IPv6 ranges in one node:net
// BlockList (native lookups). A v4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket
// reports for an IPv4 peer) is looked up as the IPv4 address it carries, so 10.0.0.0/8 matches it.

import net from 'node:net';

export interface AddressSet {
  /** The ranges it was built from: what rebuilds it in another process (serve/cluster/plan-wire.ts). */
  readonly cidrs: readonly string[];
  has(address: string): boolean;
}

/** Parse "a.b.c.d", "a.b.c.d/n", "v6", "v6/n"; the error names what is wrong. */
export const parseCidr = (
  text: string,
): { ok: true; address: string; prefix: number; family: 'ipv4' | 'ipv6' } | { ok: false; error: string } => {
  const slash = text.indexOf('/');
  const address = (slash < 0 ? text : text.slice(0, slash)).trim();
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
  if (family === null) return { ok: false, error: `'${address}' is not an IPv4 or IPv6 address` };
  const max = family === 'ipv4' ? 32 : 128;
  if (slash < 0) return { ok: true, address, prefix: max, family };
  const p = text.slice(slash + 1).trim();
  if (!/^[0-9]{1,3}$/.test(p) || Number(p) > max)
    return {
      ok: false,
      error: `prefix length '/${p}' is not 0-${max} for ${family === 'ipv4' ? 'IPv4' : 'IPv6'}`,
    };
  return { ok: true, address, prefix: Number(p), family };
};

/** The address a rule compares: the IPv4 inside a v4-mapped IPv6 address, else itself. */
export const unmapped = (address: string): string => {
  if (address.length > 7 && address.charCodeAt(0) === 0x3a && /^::ffff:/i.test(address)) {
    const rest = address.slice(7);
    if (net.isIPv4(rest)) return rest;
  }
  return address;
};

/** A set of ranges; every entry already parsed by parseCidr (check refuses the others). */
export const addressSet = (cidrs: readonly string[]): AddressSet => {
  const list = new net.BlockList();
  for (const c of cidrs) {
    const r = parseCidr(c);
    if (!r.ok) continue;
    // A v4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps.
    const inner = unmapped(r.address);
    if (inner !== r.address && r.prefix >= 96) list.addSubnet(inner, r.prefix - 96, 'ipv4');
    else list.addSubnet(r.address, r.prefix, r.family);
  }
  return {
    cidrs: [...cidrs],
    has(address: string): boolean {
      const a = unmapped(address);
      const family = net.isIPv4(a) ? 'ipv4' : net.isIPv6(a) ? 'ipv6' : null;
      return family !== null && list.check(a, family);
    },
  };
};
