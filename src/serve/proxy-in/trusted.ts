// `proxy_protocol.from`: the balancers allowed to speak for a client. Anyone else could claim any
// address with a header, so their connections are refused before a byte is read.

import { type AddressSet, addressSet } from '../../http/index.ts';

export type TrustedSources = AddressSet;

/**
 * `cidrs` were checked by config/proxy-protocol-check.ts (address/prefix, or a bare address). The
 * one CIDR set of the project (http/rules/cidr.ts): a dual-stack socket's ::ffff:a.b.c.d peer is
 * looked up as the IPv4 address the CIDRs are written in.
 */
export const trustedSources = (cidrs: readonly string[]): TrustedSources => addressSet(cidrs);
