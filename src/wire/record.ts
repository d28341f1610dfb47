// TLS record layer framing (RFC 8446 §5.1, RFC 5246 §6.2.1): headers and fragments only; no
// crypto. Fragments are views into the input.
import { hex8 } from './bytes.ts';
import { Writer } from './writer.ts';

export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
} as const;

export type ContentTypeValue = (typeof ContentType)[keyof typeof ContentType];

export interface RecordHeader {
  type: number;
  version: number;
  length: number;
}

export interface TlsRecord {
  header: RecordHeader;
  fragment: Uint8Array;
  /** Where the record (its header) starts in the input. */
  offset: number;
}

export const RECORD_HEADER_LENGTH = 5;
/** Largest plaintext fragment (2^14). */
export const MAX_PLAINTEXT = 16384;
/** Largest fragment any version allows on the wire (TLS 1.2 ciphertext: 2^14 + 2048). */
export const MAX_CIPHERTEXT = 16384 + 2048;

const NAMES: Record<number, string> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
  24: 'heartbeat',
};

/** "handshake", or "content_type_0x42" for values outside the registry. */
export function contentTypeName(type: number): string {
  return NAMES[type] ?? `content_type_${hex8(type)}`;
}

export function isKnownContentType(type: number): boolean {
  return type >= 20 && type <= 24;
}

/**
 * Splits bytes into whole records. Stops at the first incomplete record (`rest` counts the bytes
 * from there to the end) or at the first header that cannot be TLS (`error` says why; `rest`
 * then counts from that header).
 */
export function readRecords(bytes: Uint8Array): { records: TlsRecord[]; rest: number; error?: string } {
  const records: TlsRecord[] = [];
  let at = 0;
  while (bytes.length - at >= RECORD_HEADER_LENGTH) {
    const type = bytes[at]!;
    const version = (bytes[at + 1]! << 8) | bytes[at + 2]!;
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    const problem = checkHeader(type, version, length);
    if (problem !== undefined) return { records, rest: bytes.length - at, error: problem };
    if (bytes.length - at - RECORD_HEADER_LENGTH < length) break;
    const start = at + RECORD_HEADER_LENGTH;
    records.push({
      header: { type, version, length },
      fragment: bytes.subarray(start, start + length),
      offset: at,
    });
    at = start + length;
  }
  return { records, rest: bytes.length - at };
}

/** Why a record header cannot be TLS, or undefined if it can. */
export function checkHeader(type: number, version: number, length: number): string | undefined {
  if (!isKnownContentType(type)) return `unknown record content type ${type}`;
  if (version >> 8 !== 3) return `record version 0x${version.toString(16).padStart(4, '0')} is not TLS`;
  if (length > MAX_CIPHERTEXT) return `record length ${length} exceeds ${MAX_CIPHERTEXT}`;
  return undefined;
}

/** One record: 5-byte header + fragment. */
export function encodeRecord(type: number, version: number, fragment: Uint8Array): Uint8Array {
  return new Writer(fragment.length + RECORD_HEADER_LENGTH)
    .u8(type)
    .u16(version)
    .block(2, (w) => w.bytes(fragment))
    .finish();
}

/**
 * A payload cut into consecutive records of at most `maxFragment` bytes each (a ClientHello split
 * over several handshake records, as RFC 8446 §5.1 allows).
 */
export function encodeRecords(
  type: number,
  version: number,
  payload: Uint8Array,
  maxFragment: number = MAX_PLAINTEXT,
): Uint8Array {
  const size = Math.max(1, Math.min(maxFragment, MAX_PLAINTEXT));
  const w = new Writer(payload.length + RECORD_HEADER_LENGTH * Math.ceil(payload.length / size + 1));
  for (let at = 0; at < payload.length || at === 0; at += size) {
    w.u8(type)
      .u16(version)
      .block(2, (b) => b.bytes(payload.subarray(at, at + size)));
    if (payload.length === 0) break;
  }
  return w.finish();
}
