// Reads a server's answer to one probe ClientHello, from the bytes received so far. Pure and total:
// whatever a hostile or broken server sends, the result is a value (never an exception), and it
// is 'need-more' until the answer is complete: a TLS 1.3 ServerHello or HelloRetryRequest (what
// follows is encrypted), a TLS 1.2 flight up to ServerHelloDone, or an alert.

import { suiteById } from '../tls/index.ts';
import {
  type Alert,
  type CertificateRequest,
  type CertificateStatus,
  ContentType,
  concatBytes,
  HandshakeType,
  handshakeTypeName,
  ProtocolVersion,
  parseAlert,
  parseCertificateMessage,
  parseCertificateRequest,
  parseCertificateStatus,
  parseServerHello,
  parseSignedKeyExchange,
  readHandshakeMessages,
  readRecords,
  type ServerHello,
  type SignedKeyExchange,
} from '../wire/index.ts';

export interface HelloFlight {
  readonly kind: 'hello';
  readonly hello: ServerHello;
  /** DER certificates in the order sent (TLS 1.2 and below; TLS 1.3 sends them encrypted). */
  readonly certificates: readonly Uint8Array[];
  readonly certificateStatus: CertificateStatus | undefined;
  readonly serverKeyExchange: SignedKeyExchange | undefined;
  /** The server asked for a client certificate (TLS ≤ 1.2), as it asked. */
  readonly certificateRequest: CertificateRequest | undefined;
  /** Warning alerts received before the answer (e.g. unrecognized_name). */
  readonly warnings: readonly Alert[];
  /** False when the connection ended before ServerHelloDone (the flight is partial). */
  readonly complete: boolean;
}

export type Flight =
  | { readonly kind: 'need-more' }
  | HelloFlight
  | { readonly kind: 'hrr'; readonly hello: ServerHello }
  | { readonly kind: 'alert'; readonly alert: Alert; readonly afterHello: ServerHello | undefined }
  | { readonly kind: 'not-tls'; readonly detail: string }
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'closed'; readonly detail: string };

const NEED_MORE: Flight = { kind: 'need-more' };

/** A short printable quote of what a non-TLS server sent ("HTTP/1.1 400 Bad Request"). */
export function quoteBytes(bytes: Uint8Array, max = 60): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x0d || b === 0x0a) break;
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return out;
}

function notTls(bytes: Uint8Array, why: string): Flight {
  const printable = bytes.subarray(0, 8).every((b) => b >= 0x20 && b < 0x7f);
  if (printable)
    return { kind: 'not-tls', detail: `the server answered in plain text: "${quoteBytes(bytes)}"` };
  return { kind: 'not-tls', detail: `the answer is not TLS (${why})` };
}

/**
 * `ended`: the peer closed (or the caller gave up), so an incomplete answer becomes 'closed', or a
 * partial 'hello' when a ServerHello did arrive.
 */
export function readServerFlight(bytes: Uint8Array, ended = false): Flight {
  const { records, error } = readRecords(bytes);
  if (error !== undefined && records.length === 0) return notTls(bytes, error);

  const warnings: Alert[] = [];
  const handshakeParts: Uint8Array[] = [];
  let hello: ServerHello | undefined;
  let certificates: Uint8Array[] = [];
  let certificateStatus: CertificateStatus | undefined;
  let serverKeyExchange: SignedKeyExchange | undefined;
  let certificateRequest: CertificateRequest | undefined;
  let consumed = 0; // handshake bytes already turned into messages

  const helloFlight = (complete: boolean): HelloFlight => ({
    kind: 'hello',
    hello: hello as ServerHello,
    certificates,
    certificateStatus,
    serverKeyExchange,
    certificateRequest,
    warnings,
    complete,
  });

  for (const record of records) {
    if (record.header.type === ContentType.alert) {
      // Before keys exist alerts are plaintext; after a TLS 1.3 ServerHello we have already returned.
      const alert = parseAlert(record.fragment);
      if (!alert.ok) return { kind: 'malformed', detail: alert.error };
      if (alert.value.level === 'warning' && alert.value.description !== 0) {
        warnings.push(alert.value);
        continue;
      }
      return { kind: 'alert', alert: alert.value, afterHello: hello };
    }
    if (record.header.type === ContentType.changeCipherSpec) {
      // TLS 1.2 abbreviated handshake (resumption): nothing more to read in the clear.
      if (hello) return helloFlight(true);
      return { kind: 'malformed', detail: 'ChangeCipherSpec before ServerHello' };
    }
    if (record.header.type !== ContentType.handshake) {
      return {
        kind: 'malformed',
        detail: `${record.header.type === 23 ? 'application data' : 'heartbeat'} record before the handshake`,
      };
    }
    handshakeParts.push(record.fragment);
    const joined = join(handshakeParts);
    const { messages } = readHandshakeMessages(joined.subarray(consumed));
    for (const m of messages) {
      consumed += 4 + m.body.length;
      if (!hello) {
        if (m.type !== HandshakeType.serverHello)
          return { kind: 'malformed', detail: `expected ServerHello, got ${handshakeTypeName(m.type)}` };
        const parsed = parseServerHello(m.body);
        if (!parsed.ok) return { kind: 'malformed', detail: parsed.error };
        hello = parsed.value;
        if (hello.isHelloRetryRequest) return { kind: 'hrr', hello };
        if (hello.selectedVersion >= ProtocolVersion.tls13) return helloFlight(true);
        continue;
      }
      switch (m.type) {
        case HandshakeType.certificate: {
          const parsed = parseCertificateMessage(m.body, false);
          if (!parsed.ok) return { kind: 'malformed', detail: parsed.error };
          certificates = parsed.value.entries.map((e) => e.der);
          break;
        }
        case HandshakeType.certificateStatus: {
          const parsed = parseCertificateStatus(m.body);
          if (!parsed.ok) return { kind: 'malformed', detail: parsed.error };
          certificateStatus = parsed.value;
          break;
        }
        case HandshakeType.serverKeyExchange: {
          const suite = suiteById(hello.cipherSuite);
          const kx = suite?.kx;
          if (kx === 'ECDHE' || kx === 'DHE') {
            // Laid out per the negotiated version: TLS 1.0/1.1 signatures carry no scheme.
            const parsed = parseSignedKeyExchange(m.body, {
              kx: kx === 'ECDHE' ? 'ecdhe' : 'dhe',
              version: hello.selectedVersion,
              anonymous: suite?.auth === 'anon',
            });
            if (!parsed.ok) return { kind: 'malformed', detail: parsed.error };
            serverKeyExchange = parsed.value;
          }
          break;
        }
        case HandshakeType.certificateRequest: {
          const parsed = parseCertificateRequest(m.body, hello.selectedVersion);
          if (!parsed.ok) return { kind: 'malformed', detail: parsed.error };
          certificateRequest = parsed.value;
          break;
        }
        case HandshakeType.serverHelloDone:
          return helloFlight(true);
        default:
          return {
            kind: 'malformed',
            detail: `unexpected ${handshakeTypeName(m.type)} in the server's flight`,
          };
      }
    }
  }

  if (error !== undefined) return hello ? helloFlight(false) : notTls(bytes, error);
  if (!ended) return NEED_MORE;
  if (hello) return helloFlight(false);
  if (bytes.length === 0)
    return { kind: 'closed', detail: 'the server closed the connection without answering' };
  return { kind: 'closed', detail: `the server closed the connection mid-answer (${bytes.length} bytes)` };
}

// One part is handed back as is (no copy): the common case of a flight in one read.
function join(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}
