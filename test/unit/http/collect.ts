// Test helper: run bytes through a RequestDecoder and record what it reports, in a form that can be
// compared across runs (offsets are turned into strings while the head is still valid).

import type { HeadError } from '../../../src/http/head-errors.ts';
import { RequestDecoder } from '../../../src/http/message-decoder.ts';

export interface SeenRequest {
  method: string;
  target: string;
  version: string;
  host: string | undefined;
  headers: [string, string][];
  body: string;
  bodyKind: number;
  keepAlive: boolean;
  upgrade: boolean;
  ended: boolean;
}

export interface Seen {
  requests: SeenRequest[];
  error: HeadError | null;
}

/**
 * Feed `chunks` in order. Like a connection that answers at once, the next pipelined request is
 * started from inside onRequestEnd (the re-entrant path of the decoder).
 */
export const collect = (chunks: readonly (Buffer | string)[], maxHeaderBytes = 16384): Seen => {
  const seen: Seen = { requests: [], error: null };
  let current: SeenRequest | null = null;
  const decoder: RequestDecoder = new RequestDecoder(
    {
      onRequestHead(head) {
        const f = head.fields;
        const headers: [string, string][] = [];
        for (let i = 0; i < f.count; i++)
          headers.push([
            head.buf.toString('latin1', f.nameStart(i), f.nameEnd(i)),
            head.buf.toString('latin1', f.valueStart(i), f.valueEnd(i)),
          ]);
        current = {
          method: head.method,
          target: head.target(),
          version: head.version,
          host: head.host(),
          headers,
          body: '',
          bodyKind: head.body,
          keepAlive: head.keepAlive,
          upgrade: head.upgrade,
          ended: false,
        };
        seen.requests.push(current);
      },
      onRequestBody(chunk) {
        if (current !== null) current.body += chunk.toString('latin1');
      },
      onRequestEnd() {
        if (current !== null) current.ended = true;
        decoder.resume();
      },
      onRequestError(err) {
        seen.error = err;
      },
    },
    maxHeaderBytes,
  );
  for (const c of chunks) decoder.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return seen;
};

/** The rejection a single request gets (null when accepted). */
export const rejection = (raw: string): { status: number; reason: string } | null => {
  const err = collect([raw]).error;
  return err === null ? null : { status: err.status, reason: err.reason };
};
