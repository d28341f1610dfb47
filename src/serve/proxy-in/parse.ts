// The first bytes of a connection behind an L4 balancer: a PROXY header of an accepted version,
// told apart by its first byte ('P' for v1, CR for v2's signature).

import { malformed, NEED_MORE, type ProxyVerdict } from './header.ts';
import { parseProxyV1 } from './v1.ts';
import { parseProxyV2 } from './v2.ts';

export type ProxyAccept = 'v1' | 'v2' | 'both';

export function parseProxyHeader(input: Uint8Array, accept: ProxyAccept): ProxyVerdict {
  if (input.length === 0) return NEED_MORE;
  const first = input[0];
  if (first === 0x50 && accept !== 'v2') return parseProxyV1(input);
  if (first === 0x0d && accept !== 'v1') return parseProxyV2(input);
  if (first === 0x50 || first === 0x0d)
    return malformed(
      `a PROXY ${first === 0x50 ? 'v1' : 'v2'} header, but this listener accepts ${accept} only`,
    );
  if (first === 0x16)
    return malformed('a TLS ClientHello where a PROXY header was expected (balancer not sending PROXY?)');
  return malformed(`no PROXY header (first byte 0x${first?.toString(16).padStart(2, '0')})`);
}
