// PROXY protocol v1 (text): "PROXY TCP4|TCP6|UNKNOWN src dst sport dport\r\n", at most 107 bytes.
// Pure and bounded: a header without CRLF within 107 bytes is malformed, not waited for.

import { Buffer } from 'node:buffer';
import net from 'node:net';
import { isPort, malformed, NEED_MORE, type ProxyVerdict } from './header.ts';

export const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
export const V1_MAX_BYTES = 107;

const PORT = /^(0|[1-9][0-9]{0,4})$/;

export function parseProxyV1(input: Uint8Array): ProxyVerdict {
  const prefix = Math.min(input.length, V1_PREFIX.length);
  for (let i = 0; i < prefix; i++)
    if (input[i] !== V1_PREFIX[i]) return malformed('not a PROXY v1 header (no "PROXY " signature)');
  const end = Math.min(input.length, V1_MAX_BYTES);
  let cr = -1;
  for (let i = 0; i < end; i++) {
    if (input[i] !== 0x0a) continue;
    if (i === 0 || input[i - 1] !== 0x0d) return malformed('PROXY v1 line ends in LF without CR');
    cr = i - 1;
    break;
  }
  if (cr < 0) {
    return input.length >= V1_MAX_BYTES
      ? malformed(`PROXY v1 line has no CRLF within ${V1_MAX_BYTES} bytes`)
      : NEED_MORE;
  }
  const line = Buffer.from(input.buffer, input.byteOffset, cr).toString('latin1');
  const length = cr + 2;
  const parts = line.split(' ');
  const proto = parts[1];
  if (proto === 'UNKNOWN')
    return { kind: 'header', length, header: { version: 1, command: 'local', tlvs: {} } };
  if (proto !== 'TCP4' && proto !== 'TCP6')
    return malformed(`PROXY v1 protocol is ${JSON.stringify(proto ?? '')}, not TCP4, TCP6 or UNKNOWN`);
  if (parts.length !== 6) return malformed(`PROXY v1 ${proto} line has ${parts.length} fields, not 6`);
  const [, , src = '', dst = '', sport = '', dport = ''] = parts;
  const family = proto === 'TCP4' ? 4 : 6;
  for (const [what, address] of [
    ['source', src],
    ['destination', dst],
  ] as const) {
    if (net.isIP(address) !== family)
      return malformed(`PROXY v1 ${what} address "${address}" is not IPv${family}`);
  }
  for (const [what, port] of [
    ['source', sport],
    ['destination', dport],
  ] as const) {
    if (!PORT.test(port) || !isPort(Number(port)))
      return malformed(`PROXY v1 ${what} port "${port}" is not a port`);
  }
  return {
    kind: 'header',
    length,
    header: {
      version: 1,
      command: 'proxy',
      source: { address: src, port: Number(sport) },
      destination: { address: dst, port: Number(dport) },
      tlvs: {},
    },
  };
}
