// Reads capture files: classic pcap (either byte order, microsecond or nanosecond timestamps) and
// pcapng (Section Header, Interface Description, Enhanced / Simple Packet blocks, and Decryption
// Secrets blocks, whose TLS key logs `editcap --inject-secrets` embeds). Returns link-layer frames;
// never throws on file contents. `CaptureParser` takes the file in pieces of any size and hands
// each packet on as soon as it is whole, so a capture of any size is read in bounded memory.
import { Buffer } from 'node:buffer';
import { concatBytes } from '../wire/bytes.ts';
import { fail, ok, type ParseResult } from '../wire/parse-result.ts';

export interface CapturedPacket {
  /** Seconds since the epoch. */
  readonly time: number;
  readonly linkType: number;
  readonly data: Uint8Array;
  /** Position in the file, from 0. */
  readonly index: number;
}

export interface CaptureFile {
  readonly format: 'pcap' | 'pcapng';
  readonly packets: readonly CapturedPacket[];
  /** TLS key logs found in pcapng Decryption Secrets blocks. */
  readonly keyLogs: readonly string[];
  readonly warnings: readonly string[];
}

export interface CaptureSink {
  packet(packet: CapturedPacket): void;
  /** A TLS key log embedded in a pcapng Decryption Secrets block. */
  keyLog(text: string): void;
}

const PCAPNG_SHB = 0x0a0d0d0a;
const TLS_KEY_LOG = 0x544c534b; // "TLSK"

interface Interface {
  readonly linkType: number;
  /** Timestamp units per second. */
  readonly unitsPerSecond: number;
}

export class CaptureParser {
  readonly #sink: CaptureSink;
  #buffer: Uint8Array = new Uint8Array(0);
  #format: 'pcap' | 'pcapng' | undefined;
  #error: string | undefined;
  #packets = 0;
  #cut = 0;
  #cutLargest = 0;
  #endWarning: string | undefined;
  // pcap
  #le = true;
  #nano = false;
  #pcapLinkType = 0;
  // pcapng
  #interfaces: Interface[] = [];
  readonly #blockWarnings: string[] = [];

  constructor(sink: CaptureSink) {
    this.#sink = sink;
  }

  get format(): 'pcap' | 'pcapng' | undefined {
    return this.#format;
  }

  get packets(): number {
    return this.#packets;
  }

  /** Takes the next piece of the file; returns an error when the file is not a capture. */
  push(bytes: Uint8Array): string | undefined {
    if (this.#error !== undefined || this.#endWarning !== undefined) return this.#error;
    this.#buffer = this.#buffer.length === 0 ? bytes : concatBytes([this.#buffer, bytes]);
    const view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset, this.#buffer.byteLength);
    let at = 0;
    if (this.#format === undefined) {
      if (this.#buffer.length < 24) return undefined;
      const error = this.#header(view);
      if (error !== undefined) {
        this.#error = error;
        return error;
      }
      if (this.#format === 'pcap') at = 24;
    }
    at = this.#format === 'pcap' ? this.#pcapRecords(view, at) : this.#pcapngBlocks(view, at);
    // Keep only the unread tail (copied, so the piece it came from can go).
    this.#buffer = at >= this.#buffer.length ? new Uint8Array(0) : this.#buffer.slice(at);
    return this.#error;
  }

  /** The file ended: returns the warnings about it as a whole. */
  end(): ParseResult<readonly string[]> {
    if (this.#error !== undefined) return fail(this.#error);
    if (this.#format === undefined)
      return fail(
        this.#buffer.length < 24
          ? `${this.#buffer.length} bytes is too short for a capture file`
          : 'not a pcap or pcapng file',
      );
    const warnings = [...this.#blockWarnings];
    if (this.#endWarning !== undefined) warnings.push(this.#endWarning);
    else if (this.#buffer.length > 0)
      warnings.push(
        this.#format === 'pcap'
          ? `the file ends inside packet ${this.#packets + 1}`
          : `the file ends inside a block (${this.#buffer.length} bytes left over)`,
      );
    if (this.#cut > 0)
      warnings.push(
        `${this.#cut} packet${this.#cut === 1 ? ' was' : 's were'} cut short by the capture's snaplen (at most ${this.#cutLargest} bytes kept of each): the bytes cut off are gaps in their TCP streams`,
      );
    return ok(warnings);
  }

  #header(view: DataView): string | undefined {
    if (view.getUint32(0, true) === PCAPNG_SHB) {
      this.#format = 'pcapng';
      return undefined;
    }
    for (const littleEndian of [true, false]) {
      const magic = view.getUint32(0, littleEndian);
      if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
        this.#format = 'pcap';
        this.#le = littleEndian;
        this.#nano = magic === 0xa1b23c4d;
        this.#pcapLinkType = view.getUint32(20, littleEndian) & 0x0fffffff;
        return undefined;
      }
    }
    return 'not a pcap or pcapng file (unknown magic number)';
  }

  #emit(time: number, linkType: number, data: Uint8Array, original: number): void {
    if (data.length < original) {
      this.#cut++;
      this.#cutLargest = Math.max(this.#cutLargest, data.length);
    }
    this.#sink.packet({ time, linkType, data, index: this.#packets++ });
  }

  #pcapRecords(view: DataView, start: number): number {
    const le = this.#le;
    const bytes = this.#buffer;
    let at = start;
    while (at + 16 <= bytes.length) {
      const seconds = view.getUint32(at, le);
      const fraction = view.getUint32(at + 4, le);
      const captured = view.getUint32(at + 8, le);
      const original = view.getUint32(at + 12, le);
      if (captured > 0x4000000) {
        this.#endWarning = `packet ${this.#packets + 1} claims ${captured} bytes: the file is damaged there`;
        return bytes.length;
      }
      if (at + 16 + captured > bytes.length) break;
      this.#emit(
        seconds + fraction / (this.#nano ? 1e9 : 1e6),
        this.#pcapLinkType,
        bytes.subarray(at + 16, at + 16 + captured),
        original,
      );
      at += 16 + captured;
    }
    return at;
  }

  #pcapngBlocks(initial: DataView, start: number): number {
    const bytes = this.#buffer;
    let view = initial;
    let at = start;
    while (at + 12 <= bytes.length) {
      let type = view.getUint32(at, this.#le);
      if (type === PCAPNG_SHB || view.getUint32(at, !this.#le) === PCAPNG_SHB) {
        // A new section: its byte-order magic decides how everything after it reads.
        const bom = view.getUint32(at + 8, true);
        if (bom === 0x1a2b3c4d) this.#le = true;
        else if (bom === 0x4d3c2b1a) this.#le = false;
        else {
          this.#error = 'pcapng section header with an unknown byte-order magic';
          return at;
        }
        this.#interfaces = [];
        type = PCAPNG_SHB;
        view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      const le = this.#le;
      const length = view.getUint32(at + 4, le);
      if (length < 12 || length % 4 !== 0 || length > 0x4000000) {
        this.#endWarning = `the file ends inside or has a malformed block at byte ${at}`;
        return bytes.length;
      }
      if (at + length > bytes.length) break;
      this.#block(view, type, at, length);
      at += length;
    }
    return at;
  }

  #block(view: DataView, type: number, at: number, length: number): void {
    const bytes = this.#buffer;
    const le = this.#le;
    const body = at + 8;
    const end = at + length - 4;
    if (type === 1) {
      this.#interfaces.push({
        linkType: view.getUint16(body, le),
        unitsPerSecond: interfaceResolution(bytes, view, body + 8, end, le),
      });
    } else if (type === 6 || type === 2) {
      // Enhanced Packet Block (6); the obsolete Packet Block (2) has a u16 interface id and u16 drops.
      const id = type === 6 ? view.getUint32(body, le) : view.getUint16(body, le);
      const iface = this.#interfaces[id];
      const high = view.getUint32(body + 4, le);
      const low = view.getUint32(body + 8, le);
      const captured = view.getUint32(body + 12, le);
      const original = view.getUint32(body + 16, le);
      const start = body + 20;
      if (iface === undefined) this.#blockWarnings.push(`packet block for undeclared interface ${id}`);
      else if (start + captured > end) this.#blockWarnings.push(`malformed packet block at byte ${at}`);
      else
        this.#emit(
          (high * 2 ** 32 + low) / iface.unitsPerSecond,
          iface.linkType,
          bytes.subarray(start, start + captured),
          original,
        );
    } else if (type === 3) {
      const iface = this.#interfaces[0];
      const original = view.getUint32(body, le);
      const captured = Math.min(original, end - body - 4);
      if (iface !== undefined)
        this.#emit(0, iface.linkType, bytes.subarray(body + 4, body + 4 + captured), original);
    } else if (type === 10) {
      const secretsType = view.getUint32(body, le);
      const secretsLength = view.getUint32(body + 4, le);
      if (secretsType === TLS_KEY_LOG && body + 8 + secretsLength <= end)
        this.#sink.keyLog(Buffer.from(bytes.subarray(body + 8, body + 8 + secretsLength)).toString('utf8'));
    }
  }
}

/** The whole file at once (tests, small inputs): every packet in memory. */
export function readCapture(bytes: Uint8Array): ParseResult<CaptureFile> {
  if (bytes.length < 24) return fail(`${bytes.length} bytes is too short for a capture file`);
  const packets: CapturedPacket[] = [];
  const keyLogs: string[] = [];
  const parser = new CaptureParser({ packet: (p) => packets.push(p), keyLog: (t) => keyLogs.push(t) });
  const error = parser.push(bytes);
  if (error !== undefined) return fail(error);
  const warnings = parser.end();
  if (!warnings.ok) return fail(warnings.error);
  return ok({ format: parser.format ?? 'pcap', packets, keyLogs, warnings: warnings.value });
}

/** if_tsresol (option 9): 10^-n or, with the top bit set, 2^-n seconds; default microseconds. */
function interfaceResolution(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  le: boolean,
): number {
  let at = start;
  while (at + 4 <= end) {
    const code = view.getUint16(at, le);
    const length = view.getUint16(at + 2, le);
    if (code === 0) break;
    if (code === 9 && length >= 1) {
      const v = bytes[at + 4]!;
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
    }
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return 1e6;
}
