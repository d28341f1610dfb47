// Opening one protected record with a direction's keys: the sequence number it should have, the
// next epoch's keys when a key change was missed, the early data keys of each offered suite, and
// after lost bytes a small window of sequence numbers (records lost whole leave it further on).
// Also where reading picks up after a gap: the next bytes that look like a record header.
import type { ParseResult } from '../wire/parse-result.ts';
import { MAX_CIPHERTEXT, type TlsRecord } from '../wire/record.ts';
import { type OpenedRecord, open12Aead, open12Cbc, open13 } from '../wire/record-protection.ts';
import type { Cipher, Side } from './session-state.ts';

/** How many records may have been lost whole in one gap before we give up finding the sequence. */
export const SEQ_WINDOW = 64;

export interface OpenResult {
  readonly opened: ParseResult<OpenedRecord>;
  readonly seq: number;
  /** Records skipped over to find the sequence number after a gap. */
  readonly skipped?: number;
}

export function openWith(
  cipher: Cipher,
  seq: number,
  record: TlsRecord,
  encryptThenMac: boolean,
): ParseResult<OpenedRecord> {
  const { type, version, length } = record.header;
  if (cipher.tls13) {
    if (cipher.spec.kind !== 'aead') return { ok: false, error: 'TLS 1.3 needs an AEAD' };
    const header = Uint8Array.of(type, version >> 8, version & 0xff, length >> 8, length & 0xff);
    return open13(cipher.spec, cipher.key, cipher.iv, seq, header, record.fragment);
  }
  if (cipher.spec.kind === 'aead')
    return open12Aead(cipher.spec, cipher.key, cipher.iv, seq, type, version, record.fragment);
  return open12Cbc(
    cipher.spec,
    cipher.key,
    cipher.macKey,
    seq,
    type,
    version,
    record.fragment,
    encryptThenMac,
  );
}

/** The first sequence number in [from, from + span] that opens `record`, if any. */
function search(
  cipher: Cipher,
  from: number,
  span: number,
  record: TlsRecord,
  etm: boolean,
): { seq: number; opened: ParseResult<OpenedRecord> } | undefined {
  for (let seq = from; seq <= from + span; seq++) {
    const opened = openWith(cipher, seq, record, etm);
    if (opened.ok) return { seq, opened };
  }
  return undefined;
}

/** Opens a protected record of `side`, moving its keys and sequence number on as the record shows. */
export function openRecord(side: Side, record: TlsRecord, etm: boolean): OpenResult {
  const seq = side.seq++;
  const span = side.seqUnsure ? SEQ_WINDOW : 0;
  if (side.cipher === undefined && side.earlyCandidates.length > 0) {
    // 0-RTT: the first early record tells which offered suite the client resumed with.
    for (const candidate of side.earlyCandidates) {
      const found = search(candidate, seq, span, record, etm);
      if (found === undefined) continue;
      side.cipher = candidate;
      side.earlyCandidates = [];
      side.noKey = undefined;
      return settle(side, seq, found);
    }
  }
  if (side.cipher !== undefined) {
    const found = search(side.cipher, seq, span, record, etm);
    if (found !== undefined) return settle(side, seq, found);
  }
  // A lost, tampered or rejected-0-RTT key change leaves us in the old epoch; the record may be in the next one.
  if (side.next !== undefined) {
    const found = search(side.next, 0, span, record, etm);
    if (found !== undefined) {
      side.cipher = side.next;
      side.next = undefined;
      side.noKey = undefined;
      side.early = false;
      side.switchAfterRecord = false;
      return settle(side, 0, found);
    }
  }
  if (side.cipher === undefined) return { opened: { ok: false, error: side.noKey ?? 'no keys' }, seq };
  const opened = openWith(side.cipher, seq, record, etm);
  if (opened.ok || !side.seqUnsure) return { opened, seq };
  return {
    opened: {
      ok: false,
      error: `after bytes lost from the capture, no sequence number from ${seq} to ${seq + SEQ_WINDOW} opens this record`,
    },
    seq,
  };
}

function settle(
  side: Side,
  expected: number,
  found: { seq: number; opened: ParseResult<OpenedRecord> },
): OpenResult {
  side.seq = found.seq + 1;
  side.seqUnsure = false;
  const skipped = found.seq - expected;
  return skipped > 0
    ? { opened: found.opened, seq: found.seq, skipped }
    : { opened: found.opened, seq: found.seq };
}

const plausible = (bytes: Uint8Array, at: number): number | undefined => {
  const type = bytes[at]!;
  if (type < 20 || type > 23 || bytes[at + 1] !== 3 || bytes[at + 2]! > 4) return undefined;
  const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
  return length > 0 && length <= MAX_CIPHERTEXT ? length : undefined;
};

/**
 * Where the next record starts in bytes that follow a gap: a header whose record ends exactly at
 * the end of the bytes or at another plausible header; one running past the end must look like
 * protected application data (type 23, version 0x0303), as nearly every record after a handshake does.
 * `undefined`: no start here (keep the last 4 bytes, a header may straddle the next chunk).
 */
export function recordStart(bytes: Uint8Array): number | undefined {
  for (let at = 0; at + 5 <= bytes.length; at++) {
    const length = plausible(bytes, at);
    if (length === undefined) continue;
    const end = at + 5 + length;
    if (end === bytes.length) return at;
    if (end + 5 <= bytes.length) {
      if (plausible(bytes, end) !== undefined) return at;
      continue;
    }
    if (end > bytes.length && bytes[at] === 23 && bytes[at + 2] === 3) return at;
  }
  return undefined;
}
