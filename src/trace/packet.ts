// From a link-layer frame to a TCP segment: Ethernet (with VLAN tags), Linux cooked capture v1 and
// v2, BSD loopback (NULL / LOOP) and raw IP; IPv4 and IPv6 (extension headers skipped). Anything
// else, including IP fragments, is skipped and counted by the caller.

export interface TcpSegment {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly syn: boolean;
  readonly ack: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
  /** Acknowledgment number (meaningful when `ack`): what the sender has received of the other stream. */
  readonly ackNumber?: number;
  readonly payload: Uint8Array;
  /** Payload bytes the IP header declares but the capture cut off (snaplen). */
  readonly missing?: number;
}

export type Decoded = { readonly segment: TcpSegment } | { readonly skip: string };

export const LinkType = {
  null: 0,
  ethernet: 1,
  rawIpOld: 12,
  rawIpBsd: 14,
  rawIp: 101,
  loop: 108,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

export function decodeFrame(linkType: number, frame: Uint8Array): Decoded {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const ip = (at: number): Decoded => decodeIp(frame.subarray(at));
  switch (linkType) {
    case LinkType.ethernet: {
      let at = 12;
      let etherType = frame.length >= 14 ? view.getUint16(12) : 0;
      while ((etherType === 0x8100 || etherType === 0x88a8) && frame.length >= at + 6) {
        at += 4;
        etherType = view.getUint16(at);
      }
      at += 2;
      if (etherType === 0x0800 || etherType === 0x86dd) return ip(at);
      return { skip: `ethertype 0x${etherType.toString(16)}` };
    }
    case LinkType.linuxSll: {
      if (frame.length < 16) return { skip: 'short cooked-capture header' };
      const protocol = view.getUint16(14);
      return protocol === 0x0800 || protocol === 0x86dd
        ? ip(16)
        : { skip: `protocol 0x${protocol.toString(16)}` };
    }
    case LinkType.linuxSll2: {
      if (frame.length < 20) return { skip: 'short cooked-capture v2 header' };
      const protocol = view.getUint16(0);
      return protocol === 0x0800 || protocol === 0x86dd
        ? ip(20)
        : { skip: `protocol 0x${protocol.toString(16)}` };
    }
    case LinkType.null:
    case LinkType.loop:
      // The address family, in the capturing host's byte order (NULL) or network order (LOOP).
      return frame.length < 4 ? { skip: 'short loopback header' } : ip(4);
    case LinkType.rawIp:
    case LinkType.rawIpOld:
    case LinkType.rawIpBsd:
    case LinkType.ipv4:
    case LinkType.ipv6:
      return ip(0);
    default:
      return { skip: `link type ${linkType}` };
  }
}

function decodeIp(packet: Uint8Array): Decoded {
  if (packet.length < 1) return { skip: 'empty IP packet' };
  const version = packet[0]! >> 4;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (version === 4) {
    if (packet.length < 20) return { skip: 'short IPv4 header' };
    const headerLength = (packet[0]! & 0x0f) * 4;
    const declared = view.getUint16(2);
    const total = Math.min(declared, packet.length);
    const fragment = view.getUint16(6);
    if ((fragment & 0x1fff) !== 0 || (fragment & 0x2000) !== 0) return { skip: 'IPv4 fragment' };
    if (packet[9] !== 6) return { skip: `IP protocol ${packet[9]}` };
    const src = Array.from(packet.subarray(12, 16)).join('.');
    const dst = Array.from(packet.subarray(16, 20)).join('.');
    return decodeTcp(src, dst, packet.subarray(headerLength, total), Math.max(0, declared - total));
  }
  if (version === 6) {
    if (packet.length < 40) return { skip: 'short IPv6 header' };
    const payloadLength = view.getUint16(4);
    let next = packet[6]!;
    let at = 40;
    const end = Math.min(40 + payloadLength, packet.length);
    const cut = Math.max(0, 40 + payloadLength - packet.length);
    while (next === 0 || next === 43 || next === 60 || next === 44) {
      if (next === 44) return { skip: 'IPv6 fragment' };
      if (at + 8 > end) return { skip: 'short IPv6 extension header' };
      next = packet[at]!;
      at += (packet[at + 1]! + 1) * 8;
    }
    if (next !== 6) return { skip: `IPv6 next header ${next}` };
    return decodeTcp(
      ipv6Text(packet.subarray(8, 24)),
      ipv6Text(packet.subarray(24, 40)),
      packet.subarray(at, end),
      cut,
    );
  }
  return { skip: `IP version ${version}` };
}

function ipv6Text(b: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // Compress the longest run of zero words, as RFC 5952 prints addresses.
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLength).join(':')}`;
}

function decodeTcp(src: string, dst: string, tcp: Uint8Array, missing = 0): Decoded {
  if (tcp.length < 20) return { skip: missing > 0 ? 'TCP header cut by the snaplen' : 'short TCP header' };
  const view = new DataView(tcp.buffer, tcp.byteOffset, tcp.byteLength);
  const offset = (tcp[12]! >> 4) * 4;
  if (offset < 20 || offset > tcp.length) return { skip: 'bad TCP data offset' };
  const flags = tcp[13]!;
  return {
    segment: {
      src,
      dst,
      srcPort: view.getUint16(0),
      dstPort: view.getUint16(2),
      seq: view.getUint32(4),
      syn: (flags & 0x02) !== 0,
      ack: (flags & 0x10) !== 0,
      fin: (flags & 0x01) !== 0,
      rst: (flags & 0x04) !== 0,
      ackNumber: view.getUint32(8),
      payload: tcp.subarray(offset),
      ...(missing > 0 ? { missing } : {}),
    },
  };
}

/** "1.2.3.4:443" or "[::1]:443". */
export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
