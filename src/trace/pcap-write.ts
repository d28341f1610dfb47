// Writes recorded byte streams as a classic pcap of Ethernet/IPv4-or-IPv6/TCP packets: a
// three-way handshake, the data cut into segments, FINs. Deterministic and unprivileged, so
// `trace --pcap` can hand Wireshark what it saw, and tests can build captures for tshark.
import net from 'node:net';
import { concatBytes } from '../wire/bytes.ts';
import type { Chunk } from './types.ts';

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

export interface TcpFlowSpec {
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly chunks: readonly Chunk[];
  /** Largest TCP payload per packet; default 1448. */
  readonly mss?: number;
  /** Time of the SYN when chunks carry no times (seconds since the epoch); default 1_700_000_000. */
  readonly startTime?: number;
  readonly clientIsn?: number;
  readonly serverIsn?: number;
}

export interface Packet {
  /** Seconds since the epoch. */
  readonly time: number;
  /** The link-layer frame (Ethernet). */
  readonly data: Uint8Array;
}

export const LINKTYPE_ETHERNET = 1;

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

function ipBytes(ip: string): Uint8Array {
  if (net.isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const left = words(head);
  const right = ip.includes('::') ? words(tail) : [];
  const all = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

function checksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const p of parts) {
    for (const b of p) {
      if (odd === undefined) odd = b;
      else {
        sum += (odd << 8) | b;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const u16 = (v: number): Uint8Array => Uint8Array.of(v >> 8, v & 0xff);
const u32 = (v: number): Uint8Array => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);

/** One Ethernet frame carrying one TCP segment. */
export function tcpFrame(
  src: Endpoint,
  dst: Endpoint,
  seq: number,
  ack: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  const v6 = !net.isIPv4(src.ip);
  const s = ipBytes(src.ip);
  const d = ipBytes(dst.ip);
  const tcpHeader = concatBytes([
    u16(src.port),
    u16(dst.port),
    u32(seq >>> 0),
    u32(ack >>> 0),
    Uint8Array.of(5 << 4, flags),
    u16(65535),
    u16(0),
    u16(0),
  ]);
  const tcpLength = tcpHeader.length + payload.length;
  const pseudo = v6
    ? concatBytes([s, d, u32(tcpLength), Uint8Array.of(0, 0, 0, 6)])
    : concatBytes([s, d, Uint8Array.of(0, 6), u16(tcpLength)]);
  const sum = checksum([pseudo, tcpHeader, payload]);
  tcpHeader[16] = sum >> 8;
  tcpHeader[17] = sum & 0xff;
  let ip: Uint8Array;
  if (v6) {
    ip = concatBytes([Uint8Array.of(0x60, 0, 0, 0), u16(tcpLength), Uint8Array.of(6, 64), s, d]);
  } else {
    ip = concatBytes([
      Uint8Array.of(0x45, 0),
      u16(20 + tcpLength),
      u16(0),
      u16(0x4000),
      Uint8Array.of(64, 6),
      u16(0),
      s,
      d,
    ]);
    const ipSum = checksum([ip]);
    ip[10] = ipSum >> 8;
    ip[11] = ipSum & 0xff;
  }
  const ethernet = concatBytes([
    Uint8Array.of(0x02, 0, 0, 0, 0, 2),
    Uint8Array.of(0x02, 0, 0, 0, 0, 1),
    u16(v6 ? 0x86dd : 0x0800),
  ]);
  return concatBytes([ethernet, ip, tcpHeader, payload]);
}

/** The packets of one TCP connection carrying `chunks`, in order. */
export function tcpPackets(flow: TcpFlowSpec): Packet[] {
  const mss = flow.mss ?? 1448;
  let time = flow.startTime ?? flow.chunks.find((c) => c.time !== undefined)?.time ?? 1_700_000_000;
  const step = 0.0001;
  let cseq = (flow.clientIsn ?? 0x1000) >>> 0;
  let sseq = (flow.serverIsn ?? 0x8000) >>> 0;
  const out: Packet[] = [];
  const c = flow.client;
  const s = flow.server;
  const push = (t: number, frame: Uint8Array) => out.push({ time: t, data: frame });
  const empty = new Uint8Array(0);
  push(time, tcpFrame(c, s, cseq, 0, SYN, empty));
  cseq = (cseq + 1) >>> 0;
  time += step;
  push(time, tcpFrame(s, c, sseq, cseq, SYN | ACK, empty));
  sseq = (sseq + 1) >>> 0;
  time += step;
  push(time, tcpFrame(c, s, cseq, sseq, ACK, empty));
  for (const chunk of flow.chunks) {
    time = Math.max(time + step, chunk.time ?? 0);
    for (let at = 0; at < chunk.data.length; at += mss) {
      const part = chunk.data.subarray(at, at + mss);
      if (chunk.dir === 'client') {
        push(time, tcpFrame(c, s, cseq, sseq, ACK | PSH, part));
        cseq = (cseq + part.length) >>> 0;
      } else {
        push(time, tcpFrame(s, c, sseq, cseq, ACK | PSH, part));
        sseq = (sseq + part.length) >>> 0;
      }
    }
  }
  time += step;
  push(time, tcpFrame(c, s, cseq, sseq, FIN | ACK, empty));
  cseq = (cseq + 1) >>> 0;
  time += step;
  push(time, tcpFrame(s, c, sseq, cseq, FIN | ACK, empty));
  sseq = (sseq + 1) >>> 0;
  time += step;
  push(time, tcpFrame(c, s, cseq, sseq, ACK, empty));
  return out;
}

/** A classic little-endian pcap file with microsecond timestamps. */
export function encodePcap(packets: readonly Packet[], linkType = LINKTYPE_ETHERNET): Uint8Array {
  let size = 24;
  for (const p of packets) size += 16 + p.data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 262144, true);
  view.setUint32(20, linkType, true);
  let at = 24;
  for (const p of packets) {
    const seconds = Math.floor(p.time);
    view.setUint32(at, seconds, true);
    view.setUint32(at + 4, Math.min(999_999, Math.round((p.time - seconds) * 1e6)), true);
    view.setUint32(at + 8, p.data.length, true);
    view.setUint32(at + 12, p.data.length, true);
    out.set(p.data, at + 16);
    at += 16 + p.data.length;
  }
  return out;
}
