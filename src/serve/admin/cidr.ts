// Client filters for the admin API (`client=10.0.0.0/8`, `::1`): a CIDR or one address, matched
// against the `ip:port` a connection is logged with (IPv4-mapped IPv6 counts as IPv4).

import net from 'node:net';
// Not http's face: the admin listener is the primary's, which does not load the HTTP stack.
import { addressSet, unmapped } from '../../http/rules/cidr.ts';

export type ClientMatcher = (client: string) => boolean;

/** The address part of `ip:port`, `[v6]:port` or a bare address. */
export function addressOf(client: string): string {
  let a = client;
  if (a.startsWith('[')) a = a.slice(1, a.indexOf(']'));
  else if (net.isIP(a) === 0) {
    const colon = a.lastIndexOf(':');
    if (colon > 0) a = a.slice(0, colon);
  }
  return unmapped(a);
}

/** A matcher for `cidr`, or the reason it is not one. */
export function clientMatcher(
  cidr: string,
): { ok: true; match: ClientMatcher } | { ok: false; error: string } {
  const [base = '', prefixText] = cidr.trim().split('/');
  const address = addressOf(base);
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
  if (family === undefined) return { ok: false, error: `client: '${cidr}' is not an address or CIDR` };
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
    return { ok: false, error: `client: '${cidr}' has a prefix length outside 0–${max}` };
  // The project's one CIDR set (http/rules/cidr.ts), over the address part of `ip:port`.
  const set = addressSet([`${address}/${prefix}`]);
  return { ok: true, match: (client) => set.has(addressOf(client)) };
}
