// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2): parse a handshake body into the fields a
// terminator routes on and a fingerprinter hashes, and encode one for the prober and tests.
// Parsing is zero-copy: every Uint8Array in the result is a view into the input.

import { extensionName } from './extension-types.ts';
import {
  decodeAlpn,
  decodeClientKeyShareGroups,
  decodePskIdentities,
  decodeRenegotiationInfo,
  decodeServerName,
  decodeU8List8,
  decodeU16List8,
  decodeU16List16,
  type Extension,
} from './extensions.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader, readU16List } from './reader.ts';
import { Writer } from './writer.ts';

export type { Extension } from './extensions.ts';

export interface ClientHello {
  readonly recordVersion: number;
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: readonly Extension[];
  readonly serverName: string | undefined;
  readonly alpn: readonly string[];
  readonly supportedVersions: readonly number[];
  readonly supportedGroups: readonly number[];
  readonly keyShareGroups: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  readonly pskKeyExchangeModes: readonly number[];
  readonly sessionTicket: Uint8Array | undefined;
  readonly pskIdentities: readonly Uint8Array[];
  readonly ecPointFormats: readonly number[];
  readonly hasRenegotiationInfo: boolean;
  readonly hasFallbackScsv: boolean;
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Parses a ClientHello handshake body (after the 4-byte handshake header). `recordVersion` is the
 * version of the record that carried it, when the caller knows it (the sniffer does).
 */
export function parseClientHello(body: Uint8Array, recordVersion = 0): ParseResult<ClientHello> {
  const r = new Reader(body);
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  if (r.failed) return fail('ClientHello truncated before cipher_suites');
  if (sessionId.length > 32) return fail(`ClientHello session_id is ${sessionId.length} bytes (at most 32)`);

  const suites = readU16List(r.sub16());
  if (r.failed) return fail('ClientHello truncated in cipher_suites');
  if (suites === undefined) return fail('ClientHello cipher_suites has an odd length');

  const compression = r.vec8();
  if (r.failed) return fail('ClientHello truncated in compression_methods');

  // Extensions may be absent altogether (SSL 3.0 / early TLS clients).
  const extensions: Extension[] = [];
  if (!r.atEnd) {
    const list = r.sub16();
    if (r.failed) return fail('ClientHello truncated in extensions');
    if (!r.atEnd) return fail(`ClientHello has ${r.remaining} bytes after the extensions`);
    while (!list.atEnd) {
      const type = list.u16();
      const data = list.vec16();
      if (list.failed) return fail(`ClientHello extension ${extensionName(type)} is truncated`);
      extensions.push({ type, data });
    }
  }

  let serverName: string | undefined;
  let alpn: readonly string[] = EMPTY;
  let supportedVersions: readonly number[] = EMPTY;
  let supportedGroups: readonly number[] = EMPTY;
  let keyShareGroups: readonly number[] = EMPTY;
  let signatureAlgorithms: readonly number[] = EMPTY;
  let pskKeyExchangeModes: readonly number[] = EMPTY;
  let sessionTicket: Uint8Array | undefined;
  let pskIdentities: readonly Uint8Array[] = EMPTY;
  let ecPointFormats: readonly number[] = EMPTY;
  let hasRenegotiationInfo = false;
  // Duplicate detection: bitmaps for the common low code points; the few others a browser sends
  // (ALPS, ECH, renegotiation_info) in a short list, and a Set only when there are many (a crafted
  // hello may carry thousands).
  let seenLo = 0;
  let seenHi = 0;
  const seenFew: number[] = [];
  let seenMany: Set<number> | undefined;

  for (const { type, data } of extensions) {
    let repeated: boolean;
    if (type < 32) {
      repeated = (seenLo & (1 << type)) !== 0;
      seenLo |= 1 << type;
    } else if (type < 64) {
      repeated = (seenHi & (1 << (type - 32))) !== 0;
      seenHi |= 1 << (type - 32);
    } else if (seenMany === undefined) {
      repeated = seenFew.includes(type);
      seenFew.push(type);
      if (seenFew.length > 16) seenMany = new Set(seenFew);
    } else {
      repeated = seenMany.has(type);
      seenMany.add(type);
    }
    if (repeated) return fail(`ClientHello repeats extension ${extensionName(type)}`);
    switch (type) {
      case 0: {
        const sn = decodeServerName(data);
        if (!sn.ok) return fail(`ClientHello ${sn.error}`);
        serverName = sn.hostName;
        break;
      }
      case 16: {
        const v = decodeAlpn(data);
        if (v === undefined) return malformed(type);
        alpn = v;
        break;
      }
      case 43: {
        const v = decodeU16List8(data);
        if (v === undefined) return malformed(type);
        supportedVersions = v;
        break;
      }
      case 10: {
        const v = decodeU16List16(data);
        if (v === undefined) return malformed(type);
        supportedGroups = v;
        break;
      }
      case 51: {
        const v = decodeClientKeyShareGroups(data);
        if (v === undefined) return malformed(type);
        keyShareGroups = v;
        break;
      }
      case 13: {
        const v = decodeU16List16(data);
        if (v === undefined) return malformed(type);
        signatureAlgorithms = v;
        break;
      }
      case 45: {
        const v = decodeU8List8(data);
        if (v === undefined) return malformed(type);
        pskKeyExchangeModes = v;
        break;
      }
      case 35:
        sessionTicket = data;
        break;
      case 41: {
        const v = decodePskIdentities(data);
        if (v === undefined) return malformed(type);
        pskIdentities = v;
        break;
      }
      case 11: {
        const v = decodeU8List8(data);
        if (v === undefined) return malformed(type);
        ecPointFormats = v;
        break;
      }
      case 0xff01:
        if (decodeRenegotiationInfo(data) === undefined) return malformed(type);
        hasRenegotiationInfo = true;
        break;
    }
  }

  return ok({
    recordVersion,
    legacyVersion,
    random,
    sessionId,
    cipherSuites: suites,
    compressionMethods: Array.from(compression),
    extensions,
    serverName,
    alpn,
    supportedVersions,
    supportedGroups,
    keyShareGroups,
    signatureAlgorithms,
    pskKeyExchangeModes,
    sessionTicket,
    pskIdentities,
    ecPointFormats,
    hasRenegotiationInfo: hasRenegotiationInfo || suites.includes(0x00ff),
    hasFallbackScsv: suites.includes(0x5600),
  });
}

function malformed(type: number): ParseResult<ClientHello> {
  return fail(`ClientHello has a malformed ${extensionName(type)} extension`);
}

/** The raw material of a ClientHello, for encoding. */
export interface ClientHelloSpec {
  readonly legacyVersion?: number;
  readonly random: Uint8Array;
  readonly sessionId?: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods?: readonly number[];
  /** Omitted or undefined: no extensions block at all (as SSL 3.0 clients send). */
  readonly extensions?: readonly Extension[];
}

/** Encodes a ClientHello body (no handshake header); wrap with encodeHandshake. */
export function encodeClientHello(spec: ClientHelloSpec): Uint8Array {
  const w = new Writer(512);
  w.u16(spec.legacyVersion ?? 0x0303);
  w.bytes(spec.random);
  w.block(1, (b) => b.bytes(spec.sessionId ?? new Uint8Array(0)));
  w.block(2, (b) => {
    for (const s of spec.cipherSuites) b.u16(s);
  });
  w.block(1, (b) => {
    for (const c of spec.compressionMethods ?? [0]) b.u8(c);
  });
  const exts = spec.extensions;
  if (exts !== undefined) {
    w.block(2, (b) => {
      for (const e of exts) b.u16(e.type).block(2, (d) => d.bytes(e.data));
    });
  }
  return w.finish();
}
