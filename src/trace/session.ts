// The heart of `trace` and `decrypt`: one TLS connection's two byte streams, read record by record
// in the order they were seen, with the handshake decoded (session-handshake.ts), the key schedule
// computed by our own code (session-keys12.ts, session-keys13.ts) and every protected record
// opened and checked (session-open.ts). Records are handed on as they are read, so a connection of
// any length is traced in bounded memory. Pure: no sockets, no files; never throws on peer bytes.
import { Buffer } from 'node:buffer';
import { parseAlert } from '../wire/alert.ts';
import { concatBytes, toHex } from '../wire/bytes.ts';
import { readHandshakeMessages } from '../wire/handshake.ts';
import { contentTypeName, readRecords, type TlsRecord } from '../wire/record.ts';
import type { OpenedRecord } from '../wire/record-protection.ts';
import { httpFirstLine } from './http-peek.ts';
import { plain } from './messages.ts';
import { handshakeMessage } from './session-handshake.ts';
import { openRecord, recordStart } from './session-open.ts';
import { newSessionState, type SessionState, type Side, type TraceSessionInput } from './session-state.ts';
import { sessionSummary, type TraceSessionSummary } from './session-verdict.ts';
import type { Chunk, MessageDetail, TraceRecord, TraceSession } from './types.ts';

export type { ResumptionStore, TraceSessionInput } from './session-state.ts';
export type { TraceSessionSummary } from './session-verdict.ts';

/** Reads one TLS connection, all at once. */
export function traceSession(input: TraceSessionInput): TraceSession {
  const records: TraceRecord[] = [];
  const tracer = new SessionTracer(input, (r) => records.push(r));
  for (const chunk of input.chunks) tracer.feed(chunk);
  return { ...tracer.finish(), records };
}

/** Reads one TLS connection chunk by chunk, handing each record on as soon as it is read. */
export class SessionTracer {
  readonly #s: SessionState;
  readonly #onRecord: (record: TraceRecord) => void;
  #firstTime: number | undefined;

  constructor(
    input: Omit<TraceSessionInput, 'chunks'> & { chunks?: readonly Chunk[] },
    onRecord: (record: TraceRecord) => void,
  ) {
    this.#s = newSessionState({ ...input, chunks: [] });
    this.#onRecord = onRecord;
  }

  feed(chunk: Chunk): void {
    if (chunk.time !== undefined && chunk.time > 0) this.#firstTime ??= chunk.time;
    const side = this.#s.sides[chunk.dir];
    if (chunk.gap !== undefined && chunk.gap > 0) this.#gap(side, chunk.gap, chunk.time);
    this.#feed(side, chunk.data, chunk.time);
  }

  /** Notes from whoever produced the chunks, learnt after they started (e.g. TCP gaps). */
  warn(...warnings: readonly string[]): void {
    this.#s.warnings.push(...warnings);
  }

  finish(): TraceSessionSummary {
    for (const side of Object.values(this.#s.sides)) {
      if (side.broken === undefined && side.pending.length > 0) {
        side.unread += side.pending.length;
        this.#s.warnings.push(
          `${side.pending.length} bytes of an incomplete record at the end of the ${side.dir} stream`,
        );
      }
    }
    return sessionSummary(this.#s);
  }

  #emit(record: TraceRecord): void {
    const t = this.#s.tally;
    if (record.encrypted) {
      t.encrypted++;
      if (record.decrypted === true) t.opened++;
      else if (record.epoch === 'unknown') t.unknown++;
      else if (record.tag_ok === false) {
        t.failedTags++;
        t.firstFailed ??= record;
      } else t.firstNoKey ??= record;
    }
    if (record.alert !== undefined) t.firstAlert ??= record;
    this.#onRecord(record);
  }

  #time(time: number | undefined): number | null {
    return time !== undefined && time > 0 && this.#firstTime !== undefined
      ? round(time - this.#firstTime)
      : null;
  }

  /** Bytes of this direction were never captured: drop the partial record, find the next one. */
  #gap(side: Side, bytes: number, time: number | undefined): void {
    side.lost += bytes;
    side.unread += bytes + side.pending.length;
    side.pending = new Uint8Array(0);
    side.hs = new Uint8Array(0);
    side.broken = undefined;
    side.resync = true;
    side.seqUnsure = side.encrypting;
    this.#emit({
      dir: side.dir,
      seq: null,
      type: 'lost',
      wire_type: 'lost',
      length: bytes,
      time: this.#time(time),
      encrypted: false,
      epoch: side.cipher?.epoch ?? (side.encrypting ? 'encrypted' : 'plaintext'),
      decrypted: null,
      error: `${bytes} bytes never captured here (a lost segment or a snaplen cut): the records they held are unread; reading goes on at the next record header`,
    });
  }

  #feed(side: Side, data: Uint8Array, time: number | undefined): void {
    if (side.broken !== undefined || data.length === 0) return;
    let bytes = side.pending.length === 0 ? data : concatBytes([side.pending, data]);
    if (side.resync) {
      const at = recordStart(bytes);
      if (at === undefined) {
        const keep = Math.min(4, bytes.length);
        side.unread += bytes.length - keep;
        side.pending = bytes.slice(bytes.length - keep);
        return;
      }
      side.unread += at;
      bytes = bytes.subarray(at);
      side.resync = false;
    }
    const { records, rest, error } = readRecords(bytes);
    for (const record of records) this.#record(side, record, time);
    side.pending = bytes.slice(bytes.length - rest);
    if (error !== undefined) {
      side.broken = error;
      side.unread += side.pending.length;
      side.pending = new Uint8Array(0);
      this.#s.warnings.push(
        `the ${side.dir} stream stopped being TLS after ${records.length} records: ${error}`,
      );
    }
  }

  #record(side: Side, record: TlsRecord, time: number | undefined): void {
    const s = this.#s;
    const { type, length } = record.header;
    const base = { dir: side.dir, wire_type: contentTypeName(type), length, time: this.#time(time) };
    // TLS 1.3 sends ChangeCipherSpec only for middlebox compatibility (RFC 8446 §5): unprotected, uncounted.
    if (type === 20 && (s.tls13 || side.early)) {
      this.#emit({
        ...base,
        seq: null,
        type: 'change_cipher_spec',
        encrypted: false,
        epoch: 'plaintext',
        decrypted: null,
        messages: ['ChangeCipherSpec'],
        details: [plain('ChangeCipherSpec', { note: 'TLS 1.3 middlebox compatibility; changes nothing' })],
      });
      return;
    }
    // Application data is never sent in the clear: before this side's keys are known (no ServerHello
    // in the capture, a capture that starts mid-connection) its protection is unknown, and so are its bytes.
    if (!side.encrypting && (type === 23 || (type === 21 && length !== 2))) {
      this.#emit({
        ...base,
        seq: null,
        type: 'unknown',
        encrypted: true,
        epoch: 'unknown',
        decrypted: false,
        error:
          s.serverHello === undefined
            ? 'protection unknown: no ServerHello in the capture says which keys protect this record; its bytes are not shown'
            : `protection unknown: a ${contentTypeName(type)} record before this side turned encryption on; its bytes are not shown`,
      });
      return;
    }
    const encrypted = side.encrypting && (!s.tls13 || type === 23);
    let content: Uint8Array;
    let contentType = type;
    let seq: number;
    let opened: OpenedRecord | undefined;
    let epoch = 'plaintext';
    let note: string | undefined;
    if (!encrypted) {
      content = record.fragment;
      seq = side.encrypting ? -1 : side.seq++;
    } else {
      const result = openRecord(side, record, s.encryptThenMac);
      epoch = side.cipher?.epoch ?? (side.early ? 'early' : s.tls13 ? 'handshake' : 'encrypted');
      seq = result.seq;
      if (result.skipped !== undefined)
        note = `${result.skipped} record${result.skipped === 1 ? '' : 's'} lost before this one (sequence number found by its tag)`;
      if (!result.opened.ok) {
        const why = side.cipher === undefined ? (side.noKey ?? 'no keys') : result.opened.error;
        this.#emit({
          ...base,
          seq,
          type: contentTypeName(type),
          encrypted: true,
          epoch,
          decrypted: false,
          ...(side.cipher !== undefined ? { tag_ok: false } : {}),
          error: why,
        });
        if (side.switchAfterRecord) switchKeys(s, side);
        return;
      }
      opened = result.opened.value;
      content = opened.content;
      contentType = opened.contentType;
    }

    const out: {
      messages?: string[];
      details?: MessageDetail[];
      alert?: { level: string; description: string };
      http?: string;
      error?: string;
    } = {};
    if (contentType === 22) {
      const names: string[] = [];
      const details: MessageDetail[] = [];
      const all = side.hs.length === 0 ? content : concatBytes([side.hs, content]);
      const { messages, rest } = readHandshakeMessages(all);
      for (const m of messages) {
        const detail = handshakeMessage(s, side, m.type, m.body);
        names.push(detail.name);
        details.push(detail);
      }
      side.hs = all.slice(all.length - rest);
      if (rest > 0) names.push(`(${rest} bytes of a message continued in the next record)`);
      out.messages = names;
      out.details = details;
    } else if (contentType === 21) {
      const alert = parseAlert(content);
      if (alert.ok) out.alert = { level: alert.value.level, description: alert.value.name };
      else out.error = alert.error;
    } else if (contentType === 20) {
      out.messages = ['ChangeCipherSpec'];
      const what =
        s.renegotiations > 0 && encrypted
          ? `renegotiation ${s.renegotiations}: the sender switches to the new handshake's keys from its next record on`
          : 'the sender encrypts from its next record on';
      out.details = [plain('ChangeCipherSpec', { note: what })];
    } else if (contentType === 23) {
      const line = httpFirstLine(content);
      if (line !== undefined) out.http = line;
    }
    if (note !== undefined) out.error = out.error === undefined ? note : `${note}; ${out.error}`;

    this.#emit({
      ...base,
      seq: seq < 0 ? null : seq,
      type: contentTypeName(contentType),
      encrypted,
      epoch,
      decrypted: encrypted ? true : null,
      ...(opened !== undefined ? { nonce: toHex(opened.nonce), tag: toHex(opened.tag), tag_ok: true } : {}),
      ...out,
      ...(s.input.includePlaintext === false
        ? {}
        : { plaintext_b64: Buffer.from(content).toString('base64') }),
    });

    // A TLS 1.2 ChangeCipherSpec (in the clear, or under the old keys in a renegotiation) turns on the new keys.
    if (contentType === 20 && !s.tls13) {
      side.encrypting = true;
      side.cipher = side.pending12;
      side.pending12 = undefined;
      side.seq = 0;
      side.seqUnsure = false;
      if (side.cipher === undefined)
        side.noKey =
          s.keyProblem ??
          (s.serverHello === undefined
            ? 'no ServerHello in the capture says which keys protect these records'
            : 'no master secret for this session');
    }
    if (side.switchAfterRecord) switchKeys(s, side);
  }
}

/** TLS 1.3: the record that ended an epoch (Finished, EndOfEarlyData, KeyUpdate) was read; the next keys apply. */
function switchKeys(s: SessionState, side: Side): void {
  side.switchAfterRecord = false;
  if (side.hs.length > 0) {
    s.warnings.push(
      `${side.hs.length} bytes of an unfinished ${side.dir} handshake message dropped at a key change`,
    );
    side.hs = new Uint8Array(0);
  }
  side.cipher = side.next;
  side.noKey = side.nextNoKey;
  side.next = undefined;
  side.nextNoKey = undefined;
  side.early = false;
  side.seq = 0;
}

const round = (seconds: number): number => Math.round(seconds * 1e6) / 1e6;
