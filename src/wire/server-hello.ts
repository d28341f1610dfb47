// ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3), including telling a HelloRetryRequest apart
// (same message type, a fixed random). Zero-copy like the ClientHello parser.

import { equalBytes } from './bytes.ts';
import { extensionName } from './extension-types.ts';
import { decodeAlpn, decodeRenegotiationInfo, decodeServerKeyShare, type Extension } from './extensions.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
  /** supported_versions if present, else legacyVersion. */
  readonly selectedVersion: number;
  /** ServerHello: the key_share entry's group; HelloRetryRequest: selected_group. */
  readonly keyShareGroup: number | undefined;
  readonly isHelloRetryRequest: boolean;
  readonly alpn: string | undefined;
  /** Empty SessionTicket extension (TLS 1.2: a NewSessionTicket will follow). */
  readonly sessionTicketAck: boolean;
  readonly extendedMasterSecret: boolean;
  readonly renegotiationInfo: boolean;
  /** pre_shared_key: index of the PSK identity the server accepted (TLS 1.3 resumption). */
  readonly pskSelectedIdentity: number | undefined;
  /**
   * RFC 8446 §4.1.3 downgrade sentinel in the last 8 bytes of random: a TLS 1.3-capable server
   * that negotiated TLS 1.2 ('tls12') or TLS 1.1 and below ('tls11').
   */
  readonly downgradeSentinel: 'tls12' | 'tls11' | undefined;
}

/** SHA-256("HelloRetryRequest"), the random of every HelloRetryRequest (RFC 8446 §4.1.3). */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = Uint8Array.of(
  0xcf,
  0x21,
  0xad,
  0x74,
  0xe5,
  0x9a,
  0x61,
  0x11,
  0xbe,
  0x1d,
  0x8c,
  0x02,
  0x1e,
  0x65,
  0xb8,
  0x91,
  0xc2,
  0xa2,
  0x11,
  0x16,
  0x7a,
  0xbb,
  0x8c,
  0x5e,
  0x07,
  0x9e,
  0x09,
  0xe2,
  0xc8,
  0xa8,
  0x33,
  0x9c,
);

// "DOWNGRD" followed by 0x01 (TLS 1.2) or 0x00 (TLS 1.1 and below).
const DOWNGRADE_PREFIX = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44);

/** Parses a ServerHello handshake body (after the 4-byte handshake header). */
export function parseServerHello(body: Uint8Array): ParseResult<ServerHello> {
  const r = new Reader(body);
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  if (r.failed) return fail('ServerHello truncated');
  if (sessionId.length > 32) return fail(`ServerHello session_id is ${sessionId.length} bytes (at most 32)`);

  const extensions: Extension[] = [];
  if (!r.atEnd) {
    const list = r.sub16();
    if (r.failed) return fail('ServerHello truncated in extensions');
    if (!r.atEnd) return fail(`ServerHello has ${r.remaining} bytes after the extensions`);
    while (!list.atEnd) {
      const type = list.u16();
      const data = list.vec16();
      if (list.failed) return fail(`ServerHello extension ${extensionName(type)} is truncated`);
      if (extensions.some((e) => e.type === type))
        return fail(`ServerHello repeats extension ${extensionName(type)}`);
      extensions.push({ type, data });
    }
  }

  const isHelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  let selectedVersion = legacyVersion;
  let keyShareGroup: number | undefined;
  let alpn: string | undefined;
  let sessionTicketAck = false;
  let extendedMasterSecret = false;
  let renegotiationInfo = false;
  let pskSelectedIdentity: number | undefined;

  for (const { type, data } of extensions) {
    const bad = (): ParseResult<ServerHello> =>
      fail(`ServerHello has a malformed ${extensionName(type)} extension`);
    switch (type) {
      case 43: {
        if (data.length !== 2) return bad();
        selectedVersion = (data[0]! << 8) | data[1]!;
        break;
      }
      case 51: {
        const entry = decodeServerKeyShare(data, isHelloRetryRequest);
        if (entry === undefined) return bad();
        keyShareGroup = entry.group;
        break;
      }
      case 16: {
        const names = decodeAlpn(data);
        if (names?.length !== 1) return bad(); // RFC 7301 §3.1: exactly one protocol
        alpn = names[0];
        break;
      }
      case 35:
        if (data.length !== 0) return bad();
        sessionTicketAck = true;
        break;
      case 23:
        if (data.length !== 0) return bad();
        extendedMasterSecret = true;
        break;
      case 0xff01:
        if (decodeRenegotiationInfo(data) === undefined) return bad();
        renegotiationInfo = true;
        break;
      case 41: {
        if (data.length !== 2) return bad();
        pskSelectedIdentity = (data[0]! << 8) | data[1]!;
        break;
      }
    }
  }

  let downgradeSentinel: ServerHello['downgradeSentinel'];
  if (equalBytes(random.subarray(24, 31), DOWNGRADE_PREFIX)) {
    if (random[31] === 1) downgradeSentinel = 'tls12';
    else if (random[31] === 0) downgradeSentinel = 'tls11';
  }

  return ok({
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions,
    selectedVersion,
    keyShareGroup,
    isHelloRetryRequest,
    alpn,
    sessionTicketAck,
    extendedMasterSecret,
    renegotiationInfo,
    pskSelectedIdentity,
    downgradeSentinel,
  });
}

export interface ServerHelloSpec {
  readonly legacyVersion?: number;
  readonly random: Uint8Array;
  readonly sessionId?: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod?: number;
  readonly extensions?: readonly Extension[];
}

/** Encodes a ServerHello body (no handshake header), for tests and for a future fake server. */
export function encodeServerHello(spec: ServerHelloSpec): Uint8Array {
  const w = new Writer(128);
  w.u16(spec.legacyVersion ?? 0x0303);
  w.bytes(spec.random);
  w.block(1, (b) => b.bytes(spec.sessionId ?? new Uint8Array(0)));
  w.u16(spec.cipherSuite);
  w.u8(spec.compressionMethod ?? 0);
  const exts = spec.extensions;
  if (exts !== undefined) {
    w.block(2, (b) => {
      for (const e of exts) b.u16(e.type).block(2, (d) => d.bytes(e.data));
    });
  }
  return w.finish();
}
