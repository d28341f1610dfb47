// What the accept path calls on the bytes read so far: is this a TLS ClientHello (complete yet?),
// plaintext HTTP, something else, or broken TLS. Pure and incremental: call again with the longer
// buffer after each read. The verdict depends only on the bytes, never on how reads split them.

import { concatBytes, hex8, hex16 } from './bytes.ts';
import { type ClientHello, parseClientHello } from './client-hello.ts';
import { handshakeTypeName } from './handshake.ts';
import { contentTypeName, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './record.ts';

export type SniffResult =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'client-hello'; readonly hello: ClientHello; readonly consumed: number }
  | { readonly kind: 'http'; readonly method: string }
  | { readonly kind: 'not-tls'; readonly detail: string }
  | { readonly kind: 'malformed'; readonly detail: string };

const NEED_MORE: SniffResult = Object.freeze({ kind: 'need-more' });

const notTls = (detail: string): SniffResult => ({ kind: 'not-tls', detail });
const malformed = (detail: string): SniffResult => ({ kind: 'malformed', detail });

/**
 * Sniffs the first bytes of a connection. `consumed` is the length of the records that carried the
 * ClientHello (the caller replays all bytes to its TLS stack anyway). Only the first `maxBytes`
 * bytes are looked at; a ClientHello that does not fit in them is `malformed`.
 */
export function sniffClientHello(bytes: Uint8Array, maxBytes: number): SniffResult {
  if (bytes.length === 0) return NEED_MORE;
  const first = bytes[0]!;
  if (first === 0x16) return sniffTls(bytes, maxBytes);
  if (first >= 20 && first <= 24) {
    if (bytes.length < 2) return NEED_MORE;
    if (bytes[1] === 3) return malformed(`${contentTypeName(first)} record where a ClientHello was expected`);
    return notTls(`first byte ${hex8(first)}`);
  }
  if (first & 0x80) return sniffSslv2(bytes);
  return sniffText(bytes, maxBytes);
}

// SSLv2 record: 2-byte length with the top bit set, then msg_type 1 (CLIENT-HELLO). Old clients
// sent this to offer SSLv3/TLS while staying SSLv2-compatible; nothing modern accepts it.
function sniffSslv2(bytes: Uint8Array): SniffResult {
  if (bytes.length < 3) return NEED_MORE;
  if (bytes[2] === 1) return notTls('SSLv2-compatible ClientHello');
  return notTls(`first byte ${hex8(bytes[0]!)}`);
}

interface Signature {
  readonly prefix: Uint8Array;
  readonly result: SniffResult;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const http = (method: string, line = `${method} `): Signature => ({
  prefix: ascii(line),
  result: Object.freeze({ kind: 'http', method }),
});

const SIGNATURES: readonly Signature[] = [
  http('GET'),
  http('POST'),
  http('HEAD'),
  http('PUT'),
  http('DELETE'),
  http('OPTIONS'),
  http('PATCH'),
  http('CONNECT'),
  http('TRACE'),
  http('PRI', 'PRI * HTTP/2.0'), // h2c prior-knowledge connection preface
  { prefix: ascii('SSH-'), result: Object.freeze(notTls('SSH banner')) },
  { prefix: ascii('PROXY '), result: Object.freeze(notTls('PROXY protocol v1 header')) },
  { prefix: ascii('\r\n\r\n\0\r\nQUIT\n'), result: Object.freeze(notTls('PROXY protocol v2 header')) },
];

// Decide as soon as the bytes either complete a known prefix or stop matching every one of them.
function sniffText(bytes: Uint8Array, maxBytes: number): SniffResult {
  let possible = false;
  for (const { prefix, result } of SIGNATURES) {
    const n = Math.min(prefix.length, bytes.length);
    let i = 0;
    while (i < n && bytes[i] === prefix[i]) i++;
    if (i < n) continue;
    if (n === prefix.length) return result;
    possible = true;
  }
  if (possible && bytes.length < maxBytes) return NEED_MORE;
  return notTls(`first byte ${hex8(bytes[0]!)}`);
}

function sniffTls(bytes: Uint8Array, maxBytes: number): SniffResult {
  if (bytes.length < 2) return NEED_MORE;
  if (bytes[1] !== 3) return notTls(`first byte 0x16 but record version starts ${hex8(bytes[1]!)}`);

  const limit = Math.min(bytes.length, Math.max(0, maxBytes));
  let at = 0;
  let recordVersion = 0;
  // Handshake bytes gathered so far: a single view in the common one-record case, copies otherwise.
  let single: Uint8Array | undefined;
  let parts: Uint8Array[] | undefined;
  let have = 0;
  let need = -1; // total handshake bytes of the ClientHello (header included), once known

  for (;;) {
    let partial: Uint8Array | undefined; // available bytes of an incomplete record, for peeking
    if (limit - at >= RECORD_HEADER_LENGTH) {
      const type = bytes[at]!;
      const version = (bytes[at + 1]! << 8) | bytes[at + 2]!;
      const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
      if (type !== 0x16)
        return malformed(`${contentTypeName(type)} record before the ClientHello was complete`);
      if (version >> 8 !== 3) return malformed(`record version ${hex16(version)} is not TLS`);
      if (length === 0) return malformed('empty handshake record');
      if (length > MAX_PLAINTEXT) return malformed(`record length ${length} exceeds ${MAX_PLAINTEXT}`);
      if (at === 0) recordVersion = version;
      const start = at + RECORD_HEADER_LENGTH;
      if (limit - start >= length) {
        const fragment = bytes.subarray(start, start + length);
        if (single === undefined && parts === undefined) single = fragment;
        else {
          parts ??= [single!];
          parts.push(fragment);
        }
        have += length;
        at = start + length;
      } else {
        partial = bytes.subarray(start, limit);
      }
    }

    if (need < 0 && have + (partial?.length ?? 0) >= 4) {
      const h = peek4(single, parts, partial);
      if (h[0] !== 1)
        return malformed(`first handshake message is ${handshakeTypeName(h[0]!)}, not a ClientHello`);
      need = 4 + ((h[1]! << 16) | (h[2]! << 8) | h[3]!);
      if (need + RECORD_HEADER_LENGTH > maxBytes)
        return malformed(`ClientHello of ${need} bytes exceeds the ${maxBytes}-byte limit`);
    }

    if (need >= 0 && have >= need) {
      const joined = parts === undefined ? single! : concatBytes(parts, have);
      const parsed = parseClientHello(joined.subarray(4, need), recordVersion);
      if (!parsed.ok) return malformed(parsed.error);
      return { kind: 'client-hello', hello: parsed.value, consumed: at };
    }

    if (partial !== undefined || limit - at < RECORD_HEADER_LENGTH) break;
  }

  if (bytes.length >= maxBytes) return malformed(`no complete ClientHello in the first ${maxBytes} bytes`);
  return NEED_MORE;
}

// The first four handshake bytes, which may straddle record boundaries.
function peek4(
  single: Uint8Array | undefined,
  parts: Uint8Array[] | undefined,
  partial?: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(4);
  let n = 0;
  const sources = parts ?? (single === undefined ? [] : [single]);
  for (const src of partial === undefined ? sources : [...sources, partial]) {
    for (let i = 0; i < src.length && n < 4; i++) out[n++] = src[i]!;
    if (n === 4) break;
  }
  return out;
}
