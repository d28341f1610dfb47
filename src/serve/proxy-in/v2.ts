// PROXY protocol v2 (binary): 12-byte signature, version/command, family/transport, length, the
// addresses, then TLVs. Pure and bounded: a length over `maxBytes` is malformed, not waited for.
// ALPN, authority, unique id and SSL TLVs are read; the others (CRC32C, NOOP, NETNS, vendors')
// are skipped.

import { Buffer } from 'node:buffer';
import { malformed, NEED_MORE, type ProxyHeader, type ProxyTlvs, type ProxyVerdict } from './header.ts';

export const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);

/** Address block + TLVs tlsterm waits for at most (the spec allows 65535; balancers send < 300). */
export const V2_MAX_PAYLOAD = 4096;

const TLV = { alpn: 0x01, authority: 0x02, uniqueId: 0x05, ssl: 0x20 } as const;
const SSL_SUB = { version: 0x21, cn: 0x22, cipher: 0x23 } as const;

export function parseProxyV2(input: Uint8Array, maxPayload = V2_MAX_PAYLOAD): ProxyVerdict {
  const prefix = Math.min(input.length, V2_SIGNATURE.length);
  for (let i = 0; i < prefix; i++)
    if (input[i] !== V2_SIGNATURE[i]) return malformed('not a PROXY v2 header (signature differs)');
  if (input.length < 16) return NEED_MORE;
  const verCmd = input[12] as number;
  if (verCmd >> 4 !== 2) return malformed(`PROXY v2 version nibble is ${verCmd >> 4}, not 2`);
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return malformed(`PROXY v2 command ${cmd} is neither LOCAL (0) nor PROXY (1)`);
  const famByte = input[13] as number;
  const payload = ((input[14] as number) << 8) | (input[15] as number);
  if (payload > maxPayload)
    return malformed(`PROXY v2 header announces ${payload} bytes (at most ${maxPayload} accepted)`);
  if (input.length < 16 + payload) return NEED_MORE;
  const body = Buffer.from(input.buffer, input.byteOffset + 16, payload);
  const length = 16 + payload;
  const family = famByte >> 4;
  const transport = famByte & 0x0f;
  if (family > 3 || transport > 2)
    return malformed(`PROXY v2 family/transport byte 0x${famByte.toString(16)} is unknown`);
  // LOCAL (a balancer's health check), UNSPEC or AF_UNIX: no client address to take.
  const addrLen = family === 1 ? 12 : family === 2 ? 36 : family === 3 ? 216 : 0;
  if (payload < addrLen)
    return malformed(`PROXY v2 address block is ${payload} bytes, family needs ${addrLen}`);
  const tlvs = parseTlvs(body.subarray(addrLen));
  if (typeof tlvs === 'string') return malformed(tlvs);
  const local: ProxyHeader = { version: 2, command: 'local', tlvs };
  if (cmd === 0 || family === 0 || family === 3) return { kind: 'header', length, header: local };
  if (transport !== 1) return malformed('PROXY v2 header is for a datagram (UDP) connection on a stream');
  const ipLen = family === 1 ? 4 : 16;
  const ip = (at: number) => (family === 1 ? ipv4(body, at) : ipv6(body, at));
  return {
    kind: 'header',
    length,
    header: {
      version: 2,
      command: 'proxy',
      source: { address: ip(0), port: body.readUInt16BE(2 * ipLen) },
      destination: { address: ip(ipLen), port: body.readUInt16BE(2 * ipLen + 2) },
      tlvs,
    },
  };
}

function parseTlvs(block: Buffer): ProxyTlvs | string {
  const out: { -readonly [K in keyof ProxyTlvs]: ProxyTlvs[K] } = {};
  for (let at = 0; at < block.length; ) {
    if (at + 3 > block.length) return 'PROXY v2 TLV is cut short (type and length)';
    const type = block[at] as number;
    const len = block.readUInt16BE(at + 1);
    const value = block.subarray(at + 3, at + 3 + len);
    if (value.length !== len)
      return `PROXY v2 TLV 0x${type.toString(16)} announces ${len} bytes past the header's end`;
    at += 3 + len;
    if (type === TLV.alpn) out.alpn = value.toString('latin1');
    else if (type === TLV.authority) out.authority = value.toString('utf8');
    else if (type === TLV.uniqueId) out.uniqueId = value.toString('hex');
    else if (type === TLV.ssl) {
      if (len < 5) return 'PROXY v2 SSL TLV is shorter than 5 bytes';
      const sub = parseSslSubTlvs(value.subarray(5));
      if (typeof sub === 'string') return sub;
      out.ssl = {
        clientSsl: ((value[0] as number) & 0x01) !== 0,
        certVerified: value.readUInt32BE(1) === 0,
        ...sub,
      };
    }
  }
  return out;
}

function parseSslSubTlvs(block: Buffer): { version?: string; cn?: string; cipher?: string } | string {
  const out: { version?: string; cn?: string; cipher?: string } = {};
  for (let at = 0; at < block.length; ) {
    if (at + 3 > block.length) return 'PROXY v2 SSL sub-TLV is cut short';
    const type = block[at] as number;
    const len = block.readUInt16BE(at + 1);
    const value = block.subarray(at + 3, at + 3 + len);
    if (value.length !== len) return `PROXY v2 SSL sub-TLV 0x${type.toString(16)} runs past its TLV`;
    at += 3 + len;
    if (type === SSL_SUB.version) out.version = value.toString('latin1');
    else if (type === SSL_SUB.cn) out.cn = value.toString('utf8');
    else if (type === SSL_SUB.cipher) out.cipher = value.toString('latin1');
  }
  return out;
}

const ipv4 = (b: Buffer, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

function ipv6(b: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(b.readUInt16BE(at + 2 * i).toString(16));
  // Shorten the longest run of zero groups, as the usual text form does.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const text =
    best < 0
      ? groups.join(':')
      : `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  // An IPv4-mapped address reads as the dotted quad it carries.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (mapped) {
    const hi = Number.parseInt(mapped[1] as string, 16);
    const lo = Number.parseInt(mapped[2] as string, 16);
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return text;
}
