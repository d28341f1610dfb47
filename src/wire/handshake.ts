// Handshake message framing (RFC 8446 §4): a 1-byte type and a 3-byte length, carried across as
// many records as it takes. Bodies are views into the input.
import type { TlsRecord } from './record.ts';
import { Writer } from './writer.ts';

export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  newSessionTicket: 4,
  endOfEarlyData: 5,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
  certificateUrl: 21,
  certificateStatus: 22,
  keyUpdate: 24,
  compressedCertificate: 25,
  messageHash: 254,
} as const;

export const HANDSHAKE_HEADER_LENGTH = 4;

const NAMES: Record<number, string> = {
  0: 'hello_request',
  1: 'client_hello',
  2: 'server_hello',
  3: 'hello_verify_request',
  4: 'new_session_ticket',
  5: 'end_of_early_data',
  8: 'encrypted_extensions',
  11: 'certificate',
  12: 'server_key_exchange',
  13: 'certificate_request',
  14: 'server_hello_done',
  15: 'certificate_verify',
  16: 'client_key_exchange',
  20: 'finished',
  21: 'certificate_url',
  22: 'certificate_status',
  24: 'key_update',
  25: 'compressed_certificate',
  254: 'message_hash',
};

/** "client_hello", or "handshake_type_<n>" for unknown values. */
export function handshakeTypeName(type: number): string {
  return NAMES[type] ?? `handshake_type_${type}`;
}

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
}

/**
 * Splits concatenated handshake bytes (the fragments of consecutive handshake records, joined)
 * into whole messages; `rest` counts the trailing bytes of an incomplete message.
 */
export function readHandshakeMessages(fragments: Uint8Array): { messages: HandshakeMessage[]; rest: number } {
  const messages: HandshakeMessage[] = [];
  let at = 0;
  while (fragments.length - at >= HANDSHAKE_HEADER_LENGTH) {
    const type = fragments[at]!;
    const length = (fragments[at + 1]! << 16) | (fragments[at + 2]! << 8) | fragments[at + 3]!;
    const start = at + HANDSHAKE_HEADER_LENGTH;
    if (fragments.length - start < length) break;
    messages.push({ type, body: fragments.subarray(start, start + length) });
    at = start + length;
  }
  return { messages, rest: fragments.length - at };
}

/** Joins the fragments of records (of one content type) without copying when there is only one. */
export function joinFragments(records: readonly TlsRecord[]): Uint8Array {
  if (records.length === 1) return records[0]!.fragment;
  let total = 0;
  for (const r of records) total += r.fragment.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const r of records) {
    out.set(r.fragment, at);
    at += r.fragment.length;
  }
  return out;
}

/** A handshake message: type, 3-byte length, body. */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer(body.length + HANDSHAKE_HEADER_LENGTH)
    .u8(type)
    .block(3, (w) => w.bytes(body))
    .finish();
}
