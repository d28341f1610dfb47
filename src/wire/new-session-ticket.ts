// NewSessionTicket: TLS 1.2's (RFC 5077 §3.3: lifetime hint + opaque ticket) and TLS 1.3's
// (RFC 8446 §4.6.1: lifetime, age_add, nonce, ticket, extensions such as early_data).
import type { Extension } from './extensions.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';

export interface NewSessionTicket {
  /** Seconds; TLS 1.2 calls it a hint. */
  readonly lifetime: number;
  /** TLS 1.3 only. */
  readonly ageAdd: number | undefined;
  /** TLS 1.3 only. */
  readonly nonce: Uint8Array | undefined;
  readonly ticket: Uint8Array;
  readonly extensions: readonly Extension[];
  /** TLS 1.3 early_data: max_early_data_size, when the ticket allows 0-RTT. */
  readonly maxEarlyData: number | undefined;
}

export function parseNewSessionTicket(body: Uint8Array, tls13: boolean): ParseResult<NewSessionTicket> {
  const r = new Reader(body);
  const lifetime = r.u32();
  if (!tls13) {
    const ticket = r.vec16();
    if (r.failed) return fail('NewSessionTicket truncated');
    if (!r.atEnd) return fail(`NewSessionTicket has ${r.remaining} trailing bytes`);
    return ok({
      lifetime,
      ageAdd: undefined,
      nonce: undefined,
      ticket,
      extensions: [],
      maxEarlyData: undefined,
    });
  }
  const ageAdd = r.u32();
  const nonce = r.vec8();
  const ticket = r.vec16();
  const list = r.sub16();
  if (r.failed) return fail('NewSessionTicket truncated');
  if (!r.atEnd) return fail(`NewSessionTicket has ${r.remaining} trailing bytes`);
  const extensions: Extension[] = [];
  let maxEarlyData: number | undefined;
  while (!list.atEnd) {
    const type = list.u16();
    const data = list.vec16();
    if (list.failed) return fail('NewSessionTicket extension truncated');
    extensions.push({ type, data });
    if (type === 42) {
      if (data.length !== 4) return fail('NewSessionTicket has a malformed early_data extension');
      maxEarlyData = data[0]! * 0x1000000 + ((data[1]! << 16) | (data[2]! << 8) | data[3]!);
    }
  }
  if (ticket.length === 0) return fail('NewSessionTicket has an empty ticket');
  return ok({ lifetime, ageAdd, nonce, ticket, extensions, maxEarlyData });
}
