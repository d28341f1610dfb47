// TCP reassembly for captures: segments grouped into connections (a new SYN on a finished
// 4-tuple starts a new one), each direction put back in sequence order — out-of-order segments
// wait for the gap to fill, retransmissions and overlaps are dropped — and handed on as chunks the
// moment the bytes become readable, which is the order a TLS reader needs across directions.
// Streaming: memory is what waits behind a hole, never the file. A hole is declared lost (and
// the next chunk carries `gap`) when the receiver acknowledges past it (the peer got bytes the
// capture did not), when too much waits behind it, or at the end of the file; bytes a snaplen
// cut off are a gap of known size right away.
import { endpointText, type TcpSegment } from './packet.ts';
import type { Chunk, Direction } from './types.ts';

export interface TimedSegment {
  readonly segment: TcpSegment;
  readonly time: number;
  readonly index: number;
}

/** A connection as the handler sees it: roles are fixed by its first readable bytes. */
export interface TcpConnection {
  readonly client: string;
  readonly server: string;
  /** Index of the connection's first packet, to order connections. */
  readonly firstIndex: number;
  /** Which side we took for the client, and why. */
  readonly roles: 'syn' | 'client-hello' | 'port';
}

export interface ReassemblyHandler {
  /** Bytes became readable (or were lost: `chunk.gap`). */
  chunk(connection: TcpConnection, chunk: Chunk): void;
  /** The connection closed (FIN both ways, RST) or the file ended; `warnings` say what was missing. */
  end(connection: TcpConnection, warnings: readonly string[]): void;
}

export interface TcpStream extends TcpConnection {
  readonly chunks: Chunk[];
  readonly warnings: string[];
}

/** Bytes allowed to wait behind one hole before the hole is declared lost. */
const MAX_WAITING = 8 * 1024 * 1024;
/** Ended connections kept to recognise their late segments. */
const KEEP_ENDED = 4096;
/** Bytes held while no SYN or ClientHello has told the roles. */
const UNDECIDED_LIMIT = 64 * 1024;

interface Piece {
  readonly data: Uint8Array;
  readonly time: number;
  /** Bytes of this segment the snaplen cut off (they follow `data`). */
  readonly missing: number;
}

interface HalfStream {
  /** Sequence number of the first payload byte (ISN + 1), once known. */
  base: number | undefined;
  /** Next offset we expect (relative to base). */
  next: number;
  /** Out-of-order payload waiting for the gap before it, by relative offset. */
  readonly waiting: Map<number, Piece>;
  waitingBytes: number;
  /** Lost bytes not yet announced on a chunk. */
  gap: number;
  gaps: { offset: number; bytes: number }[];
  fin: boolean;
  retransmitted: number;
}

interface Connection {
  readonly key: string;
  a: string;
  b: string;
  aPort: number;
  bPort: number;
  info: TcpConnection | undefined;
  /** Endpoint text of the client, from the SYN, before any bytes were readable. */
  synClient: string | undefined;
  /** Without a SYN, readable bytes wait here until a ClientHello says who is the client. */
  readonly undecided: { from: string; chunk: Chunk; bytes: number }[];
  readonly half: Map<string, HalfStream>;
  readonly firstIndex: number;
  closed: boolean;
  ended: boolean;
}

const mod32 = (v: number): number => v >>> 0;

export class Reassembler {
  readonly #handler: ReassemblyHandler;
  readonly #open = new Map<string, Connection>();
  /** Ended connections still known by their 4-tuple (so late segments are not a new connection), oldest first. */
  readonly #ended: { key: string; conn: Connection }[] = [];
  /** Connections not yet ended, in order of their first packet. */
  readonly #live = new Set<Connection>();

  constructor(handler: ReassemblyHandler) {
    this.#handler = handler;
  }

  push({ segment: s, time, index }: TimedSegment): void {
    const from = endpointText(s.src, s.srcPort);
    const to = endpointText(s.dst, s.dstPort);
    const key = from < to ? `${from} ${to}` : `${to} ${from}`;
    let conn = this.#open.get(key);
    const freshSyn = s.syn && !s.ack;
    if (conn !== undefined && freshSyn && (conn.closed || conn.half.get(from)?.base !== mod32(s.seq + 1))) {
      this.#end(conn); // the 4-tuple is reused by a new connection
      conn = undefined;
    }
    if (conn === undefined) {
      conn = {
        key,
        a: from,
        b: to,
        aPort: s.srcPort,
        bPort: s.dstPort,
        info: undefined,
        synClient: undefined,
        undecided: [],
        half: new Map(),
        firstIndex: index,
        closed: false,
        ended: false,
      };
      this.#open.set(key, conn);
      this.#live.add(conn);
    }
    if (conn.ended) return; // late segments of a connection already handed over
    if (freshSyn) conn.synClient ??= from;
    const half = halfOf(conn, from);
    if (s.syn) {
      half.base ??= mod32(s.seq + 1);
      return;
    }
    if (s.ack && s.ackNumber !== undefined) this.#acknowledged(conn, to, s.ackNumber);
    if (s.rst) conn.closed = true;
    const missing = s.missing ?? 0;
    if (s.payload.length + missing > 0) {
      half.base ??= s.seq;
      this.#accept(conn, from, half, mod32(s.seq - half.base), { data: s.payload, time, missing });
    }
    if (s.fin) {
      half.fin = true;
      if ([...conn.half.values()].every((h) => h.fin) && conn.half.size === 2) conn.closed = true;
    }
    if (conn.closed) this.#end(conn);
  }

  /** The file ended: every connection still open hands over what it has, holes named. */
  finish(): void {
    for (const conn of [...this.#live]) this.#end(conn);
  }

  /** The peer acknowledged up to `ack` of `sender`'s stream: a hole below that was received but not captured. */
  #acknowledged(conn: Connection, sender: string, ack: number): void {
    const half = conn.half.get(sender);
    if (half?.base === undefined || half.waiting.size === 0) return;
    const acked = mod32(ack - half.base);
    if (acked >= 2 ** 31 || acked <= half.next) return;
    if (acked >= Math.min(...half.waiting.keys())) this.#skipHole(conn, sender, half);
  }

  #accept(conn: Connection, from: string, half: HalfStream, offset: number, piece: Piece): void {
    const length = piece.data.length + piece.missing;
    if (offset >= 2 ** 31 || offset + length <= half.next) {
      half.retransmitted++; // before the stream's start (wrapped) or already delivered
      return;
    }
    if (offset > half.next) {
      const known = half.waiting.get(offset);
      if (known === undefined || known.data.length + known.missing < length) {
        half.waitingBytes += piece.data.length - (known?.data.length ?? 0);
        half.waiting.set(offset, piece);
      }
      if (half.waitingBytes > MAX_WAITING) this.#skipHole(conn, from, half);
      return;
    }
    this.#take(conn, from, half, offset, piece);
    this.#drain(conn, from, half);
  }

  /** Delivers the part of `piece` (at `offset` ≤ next) that is new. */
  #take(conn: Connection, from: string, half: HalfStream, offset: number, piece: Piece): void {
    const skip = half.next - offset;
    if (skip < piece.data.length) this.#deliver(conn, from, half, piece.data.subarray(skip), piece.time);
    const end = offset + piece.data.length + piece.missing;
    if (end > half.next) this.#lose(half, end - half.next);
  }

  #lose(half: HalfStream, bytes: number): void {
    const last = half.gaps.at(-1);
    if (last !== undefined && last.offset + last.bytes === half.next) last.bytes += bytes;
    else half.gaps.push({ offset: half.next, bytes });
    half.gap += bytes;
    half.next += bytes;
  }

  /** Gives up on the first hole: it is lost; what waits behind it is delivered. */
  #skipHole(conn: Connection, from: string, half: HalfStream): void {
    if (half.waiting.size === 0) return;
    const first = Math.min(...half.waiting.keys());
    if (first > half.next) this.#lose(half, first - half.next);
    this.#drain(conn, from, half);
  }

  #deliver(conn: Connection, from: string, half: HalfStream, data: Uint8Array, time: number): void {
    const chunk: Chunk =
      half.gap > 0 ? { dir: 'client', data, time, gap: half.gap } : { dir: 'client', data, time };
    half.gap = 0;
    half.next += data.length;
    if (conn.info === undefined) {
      const isHello = data[0] === 0x16 && data[5] === 0x01;
      const held = conn.synClient === undefined && !isHello;
      if (held) {
        const waiting = (conn.undecided.at(-1)?.bytes ?? 0) + data.length;
        conn.undecided.push({ from, chunk, bytes: waiting });
        if (waiting <= UNDECIDED_LIMIT) return;
      }
      this.#decide(conn, isHello ? from : undefined);
      if (held) return;
    }
    this.#send(conn, from, chunk);
  }

  /** Fixes the roles, then hands over what waited for them. */
  #decide(conn: Connection, helloFrom: string | undefined): void {
    const info = roles(conn, helloFrom);
    conn.info = info;
    for (const u of conn.undecided) this.#send(conn, u.from, u.chunk);
    conn.undecided.length = 0;
  }

  #send(conn: Connection, from: string, chunk: Chunk): void {
    const info = conn.info!;
    const dir: Direction = from === info.client ? 'client' : 'server';
    this.#handler.chunk(info, { ...chunk, dir });
  }

  #drain(conn: Connection, from: string, half: HalfStream): void {
    for (;;) {
      let progressed = false;
      for (const [offset, piece] of half.waiting) {
        if (offset > half.next) continue;
        half.waiting.delete(offset);
        half.waitingBytes -= piece.data.length;
        if (offset + piece.data.length + piece.missing > half.next)
          this.#take(conn, from, half, offset, piece);
        else half.retransmitted++;
        progressed = true;
      }
      if (!progressed) return;
    }
  }

  #end(conn: Connection): void {
    if (conn.ended) return;
    conn.ended = true;
    this.#live.delete(conn);
    // Remember a bounded number of ended connections: a capture of millions of them stays small.
    this.#ended.push({ key: conn.key, conn });
    if (this.#ended.length > KEEP_ENDED) {
      const old = this.#ended.shift()!;
      if (this.#open.get(old.key) === old.conn) this.#open.delete(old.key);
    }
    const warnings: string[] = [];
    for (const [from, half] of conn.half) while (half.waiting.size > 0) this.#skipHole(conn, from, half);
    if (conn.info === undefined && conn.undecided.length > 0) this.#decide(conn, undefined);
    for (const [from, half] of conn.half) {
      // Bytes lost at the very end: announce them on an empty chunk so the reader counts them.
      if (half.gap > 0 && conn.info !== undefined) this.#deliver(conn, from, half, new Uint8Array(0), 0);
      const shown = half.gaps.slice(0, 3);
      for (const g of shown)
        warnings.push(`${g.bytes} bytes never captured at offset ${g.offset} of the stream from ${from}`);
      if (half.gaps.length > shown.length) {
        const rest = half.gaps.slice(shown.length);
        const bytes = rest.reduce((n, g) => n + g.bytes, 0);
        warnings.push(`${rest.length} more gaps (${bytes} bytes) never captured in the stream from ${from}`);
      }
      if (half.retransmitted > 0)
        warnings.push(`${half.retransmitted} retransmitted segments from ${from} ignored`);
    }
    if (conn.info !== undefined) this.#handler.end(conn.info, warnings);
  }
}

function halfOf(conn: Connection, from: string): HalfStream {
  let half = conn.half.get(from);
  if (half === undefined) {
    half = {
      base: undefined,
      next: 0,
      waiting: new Map(),
      waitingBytes: 0,
      gap: 0,
      gaps: [],
      fin: false,
      retransmitted: 0,
    };
    conn.half.set(from, half);
  }
  return half;
}

/** Who is the client: the SYN's sender, else the side that sent a ClientHello, else the higher port. */
function roles(conn: Connection, helloFrom: string | undefined): TcpConnection {
  let client: string;
  let how: TcpConnection['roles'];
  if (conn.synClient !== undefined) {
    client = conn.synClient;
    how = 'syn';
  } else if (helloFrom !== undefined) {
    client = helloFrom;
    how = 'client-hello';
  } else {
    client = conn.aPort > conn.bPort ? conn.a : conn.b;
    how = 'port';
  }
  return { client, server: client === conn.a ? conn.b : conn.a, firstIndex: conn.firstIndex, roles: how };
}

/** The whole capture at once: every connection with its chunks, in order of first packet. */
export function reassemble(segments: Iterable<TimedSegment>): TcpStream[] {
  const streams = new Map<TcpConnection, TcpStream>();
  const reassembler = new Reassembler({
    chunk(connection, chunk) {
      let stream = streams.get(connection);
      if (stream === undefined) {
        stream = { ...connection, chunks: [], warnings: [] };
        streams.set(connection, stream);
      }
      stream.chunks.push(chunk);
    },
    end(connection, warnings) {
      streams.get(connection)?.warnings.push(...warnings);
    },
  });
  for (const segment of segments) reassembler.push(segment);
  reassembler.finish();
  return [...streams.values()].sort((x, y) => x.firstIndex - y.firstIndex);
}
