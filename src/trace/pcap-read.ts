// Reads capture files: classic pcap (either byte order, microsecond or nanosecond timestamps) and
// pcapng (Section Header, Interface Description, Enhanced / Simple Packet blocks, and Decryption
// Secrets blocks, whose TLS key logs `editcap --inject-secrets` embeds). Returns link-layer frames;
// never throws on file contents.
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

const PCAPNG_SHB = 0x0a0d0d0a;
const TLS_KEY_LOG = 0x544c534b; // "TLSK"

export function readCapture(bytes: Uint8Array): ParseResult<CaptureFile> {
  if (bytes.length < 24) return fail(`${bytes.length} bytes is too short for a capture file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = view.getUint32(0, true);
  if (magicLe === PCAPNG_SHB) return readPcapng(bytes, view);
  for (const littleEndian of [true, false]) {
    const magic = view.getUint32(0, littleEndian);
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d)
      return readPcap(bytes, view, littleEndian, magic === 0xa1b23c4d);
  }
  return fail('not a pcap or pcapng file (unknown magic number)');
}

function readPcap(bytes: Uint8Array, view: DataView, le: boolean, nano: boolean): ParseResult<CaptureFile> {
  const linkType = view.getUint32(20, le) & 0x0fffffff;
  const packets: CapturedPacket[] = [];
  const warnings: string[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const seconds = view.getUint32(at, le);
    const fraction = view.getUint32(at + 4, le);
    const captured = view.getUint32(at + 8, le);
    const original = view.getUint32(at + 12, le);
    if (at + 16 + captured > bytes.length) {
      warnings.push(`the file ends inside packet ${packets.length + 1}`);
      break;
    }
    if (captured < original)
      warnings.push(`packet ${packets.length + 1} was cut to ${captured} of ${original} bytes (snaplen)`);
    packets.push({
      time: seconds + fraction / (nano ? 1e9 : 1e6),
      linkType,
      data: bytes.subarray(at + 16, at + 16 + captured),
      index: packets.length,
    });
    at += 16 + captured;
  }
  return ok({ format: 'pcap', packets, keyLogs: [], warnings });
}

interface Interface {
  readonly linkType: number;
  /** Timestamp units per second. */
  readonly unitsPerSecond: number;
}

function readPcapng(bytes: Uint8Array, view: DataView): ParseResult<CaptureFile> {
  const packets: CapturedPacket[] = [];
  const keyLogs: string[] = [];
  const warnings: string[] = [];
  let interfaces: Interface[] = [];
  let le = true;
  let at = 0;
  while (at + 12 <= bytes.length) {
    let type = view.getUint32(at, le);
    if (type === PCAPNG_SHB || view.getUint32(at, !le) === PCAPNG_SHB) {
      // A new section: its byte-order magic decides how everything after it reads.
      const bom = view.getUint32(at + 8, true);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else return fail('pcapng section header with an unknown byte-order magic');
      interfaces = [];
      type = PCAPNG_SHB;
    }
    const length = view.getUint32(at + 4, le);
    if (length < 12 || length % 4 !== 0 || at + length > bytes.length) {
      warnings.push(`the file ends inside or has a malformed block at byte ${at}`);
      break;
    }
    const body = at + 8;
    const end = at + length - 4;
    if (type === 1) {
      interfaces.push({
        linkType: view.getUint16(body, le),
        unitsPerSecond: interfaceResolution(bytes, view, body + 8, end, le),
      });
    } else if (type === 6 || type === 2) {
      // Enhanced Packet Block (6); the obsolete Packet Block (2) has a u16 interface id and u16 drops.
      const id = type === 6 ? view.getUint32(body, le) : view.getUint16(body, le);
      const iface = interfaces[id];
      const high = view.getUint32(body + 4, le);
      const low = view.getUint32(body + 8, le);
      const captured = view.getUint32(body + 12, le);
      const start = body + 20;
      if (iface === undefined) warnings.push(`packet block for undeclared interface ${id}`);
      else if (start + captured > end) warnings.push(`malformed packet block at byte ${at}`);
      else
        packets.push({
          time: (high * 2 ** 32 + low) / iface.unitsPerSecond,
          linkType: iface.linkType,
          data: bytes.subarray(start, start + captured),
          index: packets.length,
        });
    } else if (type === 3) {
      const iface = interfaces[0];
      const original = view.getUint32(body, le);
      const captured = Math.min(original, end - body - 4);
      if (iface !== undefined)
        packets.push({
          time: 0,
          linkType: iface.linkType,
          data: bytes.subarray(body + 4, body + 4 + captured),
          index: packets.length,
        });
    } else if (type === 10) {
      const secretsType = view.getUint32(body, le);
      const secretsLength = view.getUint32(body + 4, le);
      if (secretsType === TLS_KEY_LOG && body + 8 + secretsLength <= end)
        keyLogs.push(Buffer.from(bytes.subarray(body + 8, body + 8 + secretsLength)).toString('utf8'));
    }
    at += length;
  }
  return ok({ format: 'pcapng', packets, keyLogs, warnings });
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
