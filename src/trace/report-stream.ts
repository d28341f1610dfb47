// Reports written while the capture is still being read: each record as it is decrypted, each
// session's verdict when its connection ends. Three shapes: JSON lines (`jsonl`: one object per
// line, "event" saying what it is, in the order things happen; memory stays flat), one JSON document (`json`: the shape of
// `TraceReport` plus `warnings`, sessions in order of their first bytes) and the text ladder.
// The last two write the session that started first as it goes and hold the text of sessions that
// run beside it until its turn, so a long download streams while short neighbours wait.

import { LADDER_HEAD, recordLines, summaryLines } from './render-text.ts';
import type { TraceSessionSummary } from './session.ts';
import type { TcpConnection } from './tcp-reassembly.ts';
import type { TraceRecord } from './types.ts';

export interface ReportStream {
  sessionStart(id: number, connection: TcpConnection): void;
  record(id: number, record: TraceRecord): void;
  sessionEnd(id: number, session: TraceSessionSummary): void;
  /** The file is read: the warnings about it as a whole, then the report closes. */
  end(warnings: readonly string[]): void;
}

export type Write = (text: string) => void;

interface Queued {
  readonly id: number;
  readonly parts: string[];
  closed: boolean;
}

/** Sessions written one after another in order of start; the first open one streams, the others wait. */
class SessionQueue {
  readonly #write: Write;
  readonly #queue: Queued[] = [];
  readonly #byId = new Map<number, Queued>();

  constructor(write: Write) {
    this.#write = write;
  }

  start(id: number, text: string): void {
    const q: Queued = { id, parts: [], closed: false };
    this.#queue.push(q);
    this.#byId.set(id, q);
    this.add(id, text);
  }

  add(id: number, text: string): void {
    const q = this.#byId.get(id);
    if (q === undefined) return;
    if (this.#queue[0] === q) this.#write(text);
    else q.parts.push(text);
  }

  close(id: number, text: string): void {
    const q = this.#byId.get(id);
    if (q === undefined) return;
    this.add(id, text);
    q.closed = true;
    this.#byId.delete(id);
    while (this.#queue[0]?.closed) {
      this.#queue.shift();
      const head = this.#queue[0];
      if (head !== undefined && head.parts.length > 0) {
        this.#write(head.parts.join(''));
        head.parts.length = 0;
      }
    }
  }
}

export function jsonLinesReport(write: Write): ReportStream {
  let sessions = 0;
  let decrypted = 0;
  return {
    sessionStart(id, c) {
      write(
        `${JSON.stringify({ event: 'session_start', session: id, client: c.client, server: c.server })}\n`,
      );
    },
    record(id, record) {
      write(`${JSON.stringify({ event: 'record', session: id, ...record })}\n`);
    },
    sessionEnd(id, session) {
      sessions++;
      if (session.decrypted) decrypted++;
      write(`${JSON.stringify({ event: 'session', session: id, ...session })}\n`);
    },
    end(warnings) {
      for (const message of warnings) write(`${JSON.stringify({ event: 'warning', message })}\n`);
      write(`${JSON.stringify({ event: 'end', sessions, decrypted })}\n`);
    },
  };
}

export function jsonReport(write: Write): ReportStream {
  const queue = new SessionQueue(write);
  const counts = new Map<number, number>();
  let started = 0;
  write('{"sessions":[');
  return {
    sessionStart(id) {
      counts.set(id, 0);
      queue.start(id, `${started++ === 0 ? '' : ','}\n{"records":[`);
    },
    record(id, record) {
      const n = counts.get(id) ?? 0;
      counts.set(id, n + 1);
      queue.add(id, `${n === 0 ? '' : ','}\n${JSON.stringify(record)}`);
    },
    sessionEnd(id, session) {
      counts.delete(id);
      // The summary's members after "records": member order means nothing to a JSON reader.
      queue.close(id, `],${JSON.stringify(session).slice(1)}`);
    },
    end(warnings) {
      write(`\n],"warnings":${JSON.stringify(warnings)}}\n`);
    },
  };
}

export function textReport(write: Write): ReportStream {
  const queue = new SessionQueue(write);
  let started = 0;
  let any = false;
  return {
    sessionStart(id, c) {
      any = true;
      queue.start(id, `${started++ === 0 ? '' : '\n'}TLS ${c.client} → ${c.server}\n\n${LADDER_HEAD}\n`);
    },
    record(id, record) {
      queue.add(id, `${recordLines(record).join('\n')}\n`);
    },
    sessionEnd(id, session) {
      const sni = session.sni ? [`  SNI ${session.sni}`] : [];
      queue.close(id, `\n${[...sni, ...summaryLines(session)].join('\n')}\n`);
    },
    end(warnings) {
      if (!any) write('no TLS sessions found\n');
      for (const w of warnings) write(`warning: ${w}\n`);
    },
  };
}
