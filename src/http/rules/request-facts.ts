// RequestFacts over what each front already holds: the HTTP/1.1 head's field index (looked up only
// when a rule asks for a header), or the h2 raw header list.

import { equalsLower } from '../header-names.ts';
import { latin1, type RequestHead } from '../request-head.ts';
import type { ConnectionFacts, RequestFacts } from './rule-match.ts';

export const h1Facts = (head: RequestHead, conn: ConnectionFacts): RequestFacts => ({
  method: head.method,
  target: head.target(),
  conn,
  header(lower: string): string[] {
    const f = head.fields;
    const out: string[] = [];
    for (let i = 0; i < f.count; i++)
      if (equalsLower(head.buf, f.nameStart(i), f.nameEnd(i), lower))
        out.push(latin1(head.buf, f.valueStart(i), f.valueEnd(i)));
    return out;
  },
});

/** `raw`: name, value, name, value… (names lower-case, as h2 requires). */
export const h2Facts = (
  method: string,
  path: string,
  raw: readonly string[],
  conn: ConnectionFacts,
): RequestFacts => ({
  method,
  target: path,
  conn,
  header(lower: string): string[] {
    const out: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i] === lower) out.push(raw[i + 1]!);
    return out;
  },
});

/** The h2 header list's size as RFC 9113 §6.5.2 counts it (name + value + 32 per field), and its count. */
export const h2HeadSize = (raw: readonly string[]): { bytes: number; fields: number } => {
  let bytes = 0;
  let fields = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.charCodeAt(0) !== 0x3a) fields++;
    bytes += raw[i]!.length + raw[i + 1]!.length + 32;
  }
  return { bytes, fields };
};
