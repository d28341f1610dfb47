// TCP reassembly for captures: segments grouped into connections (a new SYN on a finished
// 4-tuple starts a new one), each direction put back in sequence order — out-of-order segments
// wait for the gap to fill, retransmissions and overlaps are dropped — and delivered as chunks in
// the order the bytes became readable, which is the order a TLS reader needs across directions.
import { endpointText, type TcpSegment } from './packet.ts';
import type { Chunk, Direction } from './types.ts';

export interface TimedSegment {
  readonly segment: TcpSegment;
  readonly time: number;
  readonly index: number;
}

export interface TcpStream {
  readonly client: string;
  readonly server: string;
  readonly chunks: Chunk[];
  readonly warnings: string[];
  /** Index of the connection's first packet, to order connections. */
  readonly firstIndex: number;
  /** Which side we took for the client, and why. */
  readonly roles: 'syn' | 'client-hello' | 'port';
}

interface HalfStream {
  /** Sequence number of the first payload byte (ISN + 1), once known. */
  base: number | undefined;
  /** Next offset we expect (relative to base). */
  next: number;
  /** Out-of-order payload waiting for the gap before it, by relative offset. */
  waiting: Map<number, { data: Uint8Array; time: number }>;
  fin: boolean;
  retransmitted: number;
}

interface Connection {
  readonly key: string;
  a: string;
  b: string;
  aIp: string;
  aPort: number;
  bIp: string;
  bPort: number;
  /** Endpoint text of the client once known. */
  client: string | undefined;
  roles: TcpStream['roles'];
  readonly half: Map<string, HalfStream>;
  /** Chunks by sender endpoint, resolved to client/server at the end. */
  readonly delivered: { from: string; data: Uint8Array; time: number }[];
  readonly warnings: string[];
  readonly firstIndex: number;
  closed: boolean;
}

const mod32 = (v: number): number => v >>> 0;

export function reassemble(segments: Iterable<TimedSegment>): TcpStream[] {
  const open = new Map<string, Connection>();
  const all: Connection[] = [];
  for (const { segment: s, time, index } of segments) {
    const from = endpointText(s.src, s.srcPort);
    const to = endpointText(s.dst, s.dstPort);
    const key = from < to ? `${from} ${to}` : `${to} ${from}`;
    let conn = open.get(key);
    const freshSyn = s.syn && !s.ack;
    if (conn !== undefined && freshSyn && (conn.closed || conn.half.get(from)?.base !== mod32(s.seq + 1))) {
      open.delete(key); // the 4-tuple is reused by a new connection
      conn = undefined;
    }
    if (conn === undefined) {
      conn = {
        key,
        a: from,
        b: to,
        aIp: s.src,
        aPort: s.srcPort,
        bIp: s.dst,
        bPort: s.dstPort,
        client: undefined,
        roles: 'port',
        half: new Map(),
        delivered: [],
        warnings: [],
        firstIndex: index,
        closed: false,
      };
      open.set(key, conn);
      all.push(conn);
    }
    if (freshSyn && conn.client === undefined) {
      conn.client = from;
      conn.roles = 'syn';
    }
    let half = conn.half.get(from);
    if (half === undefined) {
      half = { base: undefined, next: 0, waiting: new Map(), fin: false, retransmitted: 0 };
      conn.half.set(from, half);
    }
    if (s.syn) {
      half.base ??= mod32(s.seq + 1);
      continue;
    }
    if (s.rst) conn.closed = true;
    if (s.payload.length > 0) {
      half.base ??= s.seq;
      accept(conn, from, half, mod32(s.seq - half.base), s.payload, time);
    }
    if (s.fin) {
      half.fin = true;
      if ([...conn.half.values()].every((h) => h.fin) && conn.half.size === 2) conn.closed = true;
    }
  }
  return all.map(finish).filter((s) => s.chunks.length > 0);
}

function accept(
  conn: Connection,
  from: string,
  half: HalfStream,
  offset: number,
  data: Uint8Array,
  time: number,
): void {
  if (offset + data.length <= half.next) {
    half.retransmitted++;
    return;
  }
  if (offset > half.next) {
    const known = half.waiting.get(offset);
    if (known === undefined || known.data.length < data.length) half.waiting.set(offset, { data, time });
    return;
  }
  deliver(conn, from, half, data.subarray(half.next - offset), time);
  drain(conn, from, half, time);
}

function deliver(conn: Connection, from: string, half: HalfStream, data: Uint8Array, time: number): void {
  if (conn.client === undefined && data[0] === 0x16 && data[5] === 0x01) {
    conn.client = from; // the side that sends a ClientHello
    conn.roles = 'client-hello';
  }
  conn.delivered.push({ from, data, time });
  half.next += data.length;
}

function drain(conn: Connection, from: string, half: HalfStream, time: number): void {
  for (;;) {
    let progressed = false;
    for (const [offset, piece] of half.waiting) {
      if (offset > half.next) continue;
      half.waiting.delete(offset);
      if (offset + piece.data.length > half.next)
        deliver(conn, from, half, piece.data.subarray(half.next - offset), time);
      else half.retransmitted++;
      progressed = true;
    }
    if (!progressed) return;
  }
}

function finish(conn: Connection): TcpStream {
  // Gaps that never filled: say how much is missing, then hand over what follows anyway.
  for (const [from, half] of conn.half) {
    while (half.waiting.size > 0) {
      const first = Math.min(...half.waiting.keys());
      conn.warnings.push(
        `${first - half.next} bytes never captured at offset ${half.next} of the stream from ${from}`,
      );
      const piece = half.waiting.get(first)!;
      half.waiting.delete(first);
      half.next = first;
      deliver(conn, from, half, piece.data, piece.time);
      drain(conn, from, half, piece.time);
    }
    if (half.retransmitted > 0)
      conn.warnings.push(`${half.retransmitted} retransmitted segments from ${from} ignored`);
  }
  let client = conn.client;
  if (client === undefined) client = conn.aPort > conn.bPort ? conn.a : conn.b;
  const server = client === conn.a ? conn.b : conn.a;
  const chunks: Chunk[] = conn.delivered.map((d) => ({
    dir: (d.from === client ? 'client' : 'server') as Direction,
    data: d.data,
    time: d.time,
  }));
  return { client, server, chunks, warnings: conn.warnings, firstIndex: conn.firstIndex, roles: conn.roles };
}
