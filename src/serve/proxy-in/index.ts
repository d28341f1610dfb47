// PROXY protocol in: tlsterm behind an L4 balancer (HAProxy in TCP mode, LVS/IPVS, a cloud NLB).
export { createProxyIn, type ProxyIn, type ProxyRefusal } from './accept.ts';
export type { ProxyEndpoint, ProxyHeader, ProxyTlvs, ProxyVerdict } from './header.ts';
export { type ProxyAccept, parseProxyHeader } from './parse.ts';
export { type TrustedSources, trustedSources } from './trusted.ts';
export { parseProxyV1, V1_MAX_BYTES } from './v1.ts';
export { parseProxyV2, V2_MAX_PAYLOAD, V2_SIGNATURE } from './v2.ts';
