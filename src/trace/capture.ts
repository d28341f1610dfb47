// `tlsterm decrypt`: a capture file → TCP connections → one traced TLS session each, with the key
// log (from a file and/or embedded in the pcapng) and optional RSA server keys. Streams: the file
// is taken in pieces, each record handed on as it is read and each session as its connection
// ends, so memory follows the connections open at once, not the size of the file.
import type { KeyObject } from 'node:crypto';
import { EMPTY_KEY_LOG, type KeyLog, mergeKeyLogs, parseKeyLog } from '../wire/keylog.ts';
import { fail, ok, type ParseResult } from '../wire/parse-result.ts';
import { decodeFrame } from './packet.ts';
import { CaptureParser } from './pcap-read.ts';
import { type ResumptionStore, SessionTracer, type TraceSessionSummary } from './session.ts';
import { Reassembler, type TcpConnection } from './tcp-reassembly.ts';
import type { Chunk, TraceRecord, TraceReport, TraceSession } from './types.ts';

export interface DecryptCaptureOptions {
  readonly keyLog?: KeyLog;
  readonly rsaKeys?: readonly KeyObject[];
  readonly includePlaintext?: boolean;
}

/** What a streaming decrypt hands on, as it happens. Session ids count from 1 in order of first bytes. */
export interface CaptureEvents {
  sessionStart(id: number, connection: TcpConnection): void;
  record(id: number, record: TraceRecord): void;
  sessionEnd(id: number, session: TraceSessionSummary): void;
}

export interface CaptureTotals {
  /** About the file as a whole (skipped packets, non-TLS connections, embedded secrets, snaplen). */
  readonly warnings: readonly string[];
  readonly format: 'pcap' | 'pcapng';
  readonly packets: number;
  readonly sessions: number;
  readonly decrypted: number;
}

export interface DecryptedCapture extends CaptureTotals {
  readonly report: TraceReport;
}

/** First client bytes that are TLS records (a ClientHello, or a capture that starts mid-connection). */
const looksLikeTls = (first: Chunk): boolean =>
  (first.gap ?? 0) > 0 ||
  (first.data.length >= 3 && first.data[0]! >= 20 && first.data[0]! <= 23 && first.data[1] === 0x03);

interface Followed {
  readonly id: number;
  readonly tracer: SessionTracer;
}

/** Server bytes held while a connection's client has not spoken yet (is it TLS?). */
const UNDECIDED_LIMIT = 64 * 1024;

export class CaptureDecryptor {
  readonly #options: DecryptCaptureOptions;
  readonly #events: CaptureEvents;
  readonly #parser: CaptureParser;
  readonly #reassembler: Reassembler;
  readonly #resumption: ResumptionStore = new Map();
  readonly #followed = new Map<TcpConnection, Followed | 'skip' | Chunk[]>();
  readonly #skipped = new Map<string, number>();
  #keyLog: KeyLog;
  #embeddedLines = 0;
  #sessions = 0;
  #decrypted = 0;
  #notTls = 0;

  constructor(options: DecryptCaptureOptions, events: CaptureEvents) {
    this.#options = options;
    this.#events = events;
    this.#keyLog = options.keyLog ?? EMPTY_KEY_LOG;
    this.#reassembler = new Reassembler({
      chunk: (connection, chunk) => this.#chunk(connection, chunk),
      end: (connection, warnings) => this.#end(connection, warnings),
    });
    this.#parser = new CaptureParser({
      packet: (packet) => {
        const decoded = decodeFrame(packet.linkType, packet.data);
        if ('skip' in decoded) this.#skipped.set(decoded.skip, (this.#skipped.get(decoded.skip) ?? 0) + 1);
        else this.#reassembler.push({ segment: decoded.segment, time: packet.time, index: packet.index });
      },
      keyLog: (text) => {
        const embedded = parseKeyLog(text);
        this.#embeddedLines += embedded.lines;
        // Merged under the --keylog lines: for the same session, those win.
        this.#keyLog = mergeKeyLogs(embedded, this.#keyLog);
      },
    });
  }

  /** The next piece of the file; an error when it is not a capture. */
  push(bytes: Uint8Array): string | undefined {
    return this.#parser.push(bytes);
  }

  end(): ParseResult<CaptureTotals> {
    const file = this.#parser.end();
    if (!file.ok) return fail(file.error);
    this.#reassembler.finish();
    for (const [connection, state] of this.#followed)
      if (Array.isArray(state)) this.#decide(connection, state);
    const warnings = [...file.value];
    for (const [why, n] of this.#skipped)
      if (/fragment/.test(why))
        warnings.push(`${n} packets skipped: ${why} (reassembly of IP fragments is not supported)`);
    if (this.#embeddedLines > 0)
      warnings.push(`using ${this.#embeddedLines} key log lines embedded in the pcapng`);
    if (this.#notTls > 0)
      warnings.push(
        `${this.#notTls} TCP connection${this.#notTls === 1 ? ' that is' : 's that are'} not TLS skipped`,
      );
    return ok({
      warnings,
      format: this.#parser.format ?? 'pcap',
      packets: this.#parser.packets,
      sessions: this.#sessions,
      decrypted: this.#decrypted,
    });
  }

  #chunk(connection: TcpConnection, chunk: Chunk): void {
    const state = this.#followed.get(connection) ?? [];
    if (state === 'skip') return;
    if (!Array.isArray(state)) {
      state.tracer.feed(chunk);
      return;
    }
    state.push(chunk);
    this.#followed.set(connection, state);
    const held = state.reduce((n, c) => n + c.data.length, 0);
    if (chunk.dir === 'client' || held > UNDECIDED_LIMIT) this.#decide(connection, state);
  }

  #decide(connection: TcpConnection, held: readonly Chunk[]): void {
    const first = held.find((c) => c.dir === 'client');
    if (first === undefined || !looksLikeTls(first)) {
      this.#followed.set(connection, 'skip');
      if (first !== undefined) this.#notTls++; // a client that never spoke is no connection to speak of
      return;
    }
    const id = ++this.#sessions;
    const tracer = new SessionTracer(
      {
        keyLog: this.#keyLog,
        client: connection.client,
        server: connection.server,
        resumption: this.#resumption,
        ...(this.#options.rsaKeys ? { rsaKeys: this.#options.rsaKeys } : {}),
        ...(this.#options.includePlaintext !== undefined
          ? { includePlaintext: this.#options.includePlaintext }
          : {}),
      },
      (record) => this.#events.record(id, record),
    );
    this.#followed.set(connection, { id, tracer });
    this.#events.sessionStart(id, connection);
    for (const chunk of held) tracer.feed(chunk);
  }

  #end(connection: TcpConnection, warnings: readonly string[]): void {
    let state = this.#followed.get(connection);
    if (Array.isArray(state)) {
      this.#decide(connection, state);
      state = this.#followed.get(connection);
    }
    this.#followed.delete(connection);
    if (state === undefined || state === 'skip' || Array.isArray(state)) return;
    state.tracer.warn(...warnings);
    const summary = state.tracer.finish();
    if (summary.decrypted) this.#decrypted++;
    this.#events.sessionEnd(state.id, summary);
  }
}

/** The whole capture in memory at once (tests, the library's simple face). */
export function decryptCapture(
  bytes: Uint8Array,
  options: DecryptCaptureOptions = {},
): ParseResult<DecryptedCapture> {
  const records = new Map<number, TraceRecord[]>();
  const sessions = new Map<number, TraceSession>();
  const decryptor = new CaptureDecryptor(options, {
    sessionStart: (id) => records.set(id, []),
    record: (id, record) => records.get(id)?.push(record),
    sessionEnd: (id, summary) => sessions.set(id, { ...summary, records: records.get(id) ?? [] }),
  });
  const error = decryptor.push(bytes);
  if (error !== undefined) return fail(error);
  const totals = decryptor.end();
  if (!totals.ok) return fail(totals.error);
  const ordered = [...sessions].sort(([a], [b]) => a - b).map(([, s]) => s);
  return ok({ ...totals.value, report: { sessions: ordered } });
}
