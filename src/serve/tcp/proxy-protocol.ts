// PROXY protocol headers (HAProxy's spec, v1 text and v2 binary): the first bytes on a connection
// to a TCP upstream, so that the app learns the client's address although tlsterm made the
// connection. Pure; rendered once per upstream connection.

import { Buffer } from 'node:buffer';
import net from 'node:net';

export interface ProxyEndpoints {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destinationAddress: string;
  readonly destinationPort: number;
}

/** The 12-byte v2 signature. */
export const PROXY_V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);

// A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; the header says what the peer is.
const unmap = (a: string): string => (a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a);

const family = (e: ProxyEndpoints): 4 | 6 | 0 => {
  const s = net.isIP(unmap(e.sourceAddress));
  const d = net.isIP(unmap(e.destinationAddress));
  if (s === 4 && d === 4) return 4;
  if (s !== 0 && d !== 0) return 6;
  return 0;
};

export function proxyHeaderV1(e: ProxyEndpoints): Buffer {
  const f = family(e);
  if (f === 0) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  const src = f === 6 ? toV6(unmap(e.sourceAddress)) : unmap(e.sourceAddress);
  const dst = f === 6 ? toV6(unmap(e.destinationAddress)) : unmap(e.destinationAddress);
  return Buffer.from(`PROXY TCP${f} ${src} ${dst} ${e.sourcePort} ${e.destinationPort}\r\n`, 'latin1');
}

export function proxyHeaderV2(e: ProxyEndpoints): Buffer {
  const f = family(e);
  if (f === 0) {
    // LOCAL command, UNSPEC family: "no address to tell".
    return Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
  }
  const addrLen = f === 4 ? 12 : 36;
  const out = Buffer.alloc(16 + addrLen);
  PROXY_V2_SIGNATURE.copy(out, 0);
  out[12] = 0x21; // version 2, PROXY command
  out[13] = f === 4 ? 0x11 : 0x21; // AF_INET / AF_INET6, STREAM
  out.writeUInt16BE(addrLen, 14);
  const ipLen = f === 4 ? 4 : 16;
  ipBytes(unmap(e.sourceAddress), f).copy(out, 16);
  ipBytes(unmap(e.destinationAddress), f).copy(out, 16 + ipLen);
  out.writeUInt16BE(e.sourcePort, 16 + 2 * ipLen);
  out.writeUInt16BE(e.destinationPort, 18 + 2 * ipLen);
  return out;
}

export function proxyHeader(version: 'v1' | 'v2', e: ProxyEndpoints): Buffer {
  return version === 'v1' ? proxyHeaderV1(e) : proxyHeaderV2(e);
}

function toV6(address: string): string {
  return net.isIPv4(address) ? `::ffff:${address}` : address;
}

function ipBytes(address: string, f: 4 | 6): Buffer {
  if (f === 4) return Buffer.from(address.split('.').map(Number));
  const v6 = toV6(address);
  // Expand "::" and a trailing dotted quad into eight 16-bit groups.
  let text = v6;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const [a, b, c, d] = quad[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -quad[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  return out;
}
