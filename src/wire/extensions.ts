// Codecs for the bodies of the extensions the hellos care about. Decoders return undefined when
// the body is malformed (the caller names the extension in its error); encoders build bodies for
// the prober and for tests. Views returned by decoders alias the input (no copies).
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

/** Finds an extension by type (first match). */
export function findExtension(extensions: readonly Extension[], type: number): Extension | undefined {
  for (const e of extensions) if (e.type === type) return e;
  return undefined;
}

// ---- decoders -------------------------------------------------------------------------------

// The list bodies are read straight from the bytes, no Reader: every connection's ClientHello has
// several, and they are most of its parse.

/** `data` is exactly a `prefix`-byte length, then that many bytes; the list's first offset, or -1. */
const listStart = (data: Uint8Array, prefix: 1 | 2): number => {
  if (data.length < prefix) return -1;
  const length = prefix === 1 ? data[0]! : (data[0]! << 8) | data[1]!;
  return length + prefix === data.length ? prefix : -1;
};

// Lists are made at their final length (a list grown by push reallocates as it goes).
const u16sFrom = (data: Uint8Array, at: number): number[] | undefined => {
  if (at < 0 || (data.length - at) % 2 !== 0) return undefined;
  const out = new Array<number>((data.length - at) >> 1);
  for (let i = at, k = 0; i < data.length; i += 2) out[k++] = (data[i]! << 8) | data[i + 1]!;
  return out;
};

/** A whole body that is a u8-length-prefixed list of u16 (client supported_versions). */
export function decodeU16List8(data: Uint8Array): number[] | undefined {
  return u16sFrom(data, listStart(data, 1));
}

/** A whole body that is a u16-length-prefixed list of u16 (supported_groups, signature_algorithms). */
export function decodeU16List16(data: Uint8Array): number[] | undefined {
  return u16sFrom(data, listStart(data, 2));
}

/** A whole body that is a u8-length-prefixed list of u8 (ec_point_formats, psk_key_exchange_modes). */
export function decodeU8List8(data: Uint8Array): number[] | undefined {
  const at = listStart(data, 1);
  if (at < 0) return undefined;
  const out = new Array<number>(data.length - at);
  for (let i = at, k = 0; i < data.length; i++) out[k++] = data[i]!;
  return out;
}

export type ServerNameResult =
  | { readonly ok: true; readonly hostName: string | undefined }
  | { readonly ok: false; readonly error: string };

const MALFORMED_SERVER_NAME: ServerNameResult = Object.freeze({
  ok: false,
  error: 'malformed server_name extension',
});

/**
 * RFC 6066 §3 server_name: the host_name entry, lower-cased. Names must be printable ASCII (the
 * RFC wants A-labels); anything else is refused rather than guessed at, because the terminator
 * routes on this value.
 */
export function decodeServerName(data: Uint8Array): ServerNameResult {
  const at = listStart(data, 2);
  if (at < 0 || at === data.length) return MALFORMED_SERVER_NAME;
  let hostName: string | undefined;
  let i = at;
  while (i < data.length) {
    if (data.length - i < 3) return MALFORMED_SERVER_NAME;
    const nameType = data[i]!;
    const length = (data[i + 1]! << 8) | data[i + 2]!;
    const start = i + 3;
    i = start + length;
    if (i > data.length) return MALFORMED_SERVER_NAME;
    if (nameType !== 0) continue; // other name types are undefined; skip them as the RFC allows
    if (hostName !== undefined) return { ok: false, error: 'server_name has more than one host_name' };
    if (length === 0) return { ok: false, error: 'server_name host_name is empty' };
    let text = '';
    for (let j = start; j < i; j++) {
      const b = data[j]!;
      if (b < 0x21 || b > 0x7e) return { ok: false, error: 'server_name host_name is not printable ASCII' };
      text += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 32 : b);
    }
    hostName = text;
  }
  return { ok: true, hostName };
}

/**
 * RFC 7301 ALPN protocol_name_list. Names are returned byte-for-byte as latin1 strings (one char
 * per byte), so binary names survive and JA4 can apply its hex rule to the original bytes.
 */
export function decodeAlpn(data: Uint8Array): string[] | undefined {
  const at = listStart(data, 2);
  if (at < 0) return undefined;
  const out: string[] = [];
  let i = at;
  while (i < data.length) {
    const start = i + 1;
    i = start + data[i]!;
    if (i > data.length) return undefined;
    let name = '';
    for (let j = start; j < i; j++) name += String.fromCharCode(data[j]!);
    out.push(name);
  }
  return out;
}

/** ClientHello key_share: a u16-prefixed list of (group, key_exchange). */
export function decodeClientKeyShares(data: Uint8Array): KeyShareEntry[] | undefined {
  const r = new Reader(data);
  const list = r.sub16();
  if (list.failed || !r.atEnd) return undefined;
  const out: KeyShareEntry[] = [];
  while (!list.atEnd) {
    const group = list.u16();
    const keyExchange = list.vec16();
    if (list.failed) return undefined;
    out.push({ group, keyExchange });
  }
  return out;
}

/** ClientHello key_share: the groups only (what the accept path needs; no view per key). */
export function decodeClientKeyShareGroups(data: Uint8Array): number[] | undefined {
  const at = listStart(data, 2);
  if (at < 0) return undefined;
  const out: number[] = [];
  let i = at;
  while (i < data.length) {
    if (data.length - i < 4) return undefined;
    const group = (data[i]! << 8) | data[i + 1]!;
    const length = (data[i + 2]! << 8) | data[i + 3]!;
    i += 4 + length;
    if (i > data.length) return undefined;
    out.push(group);
  }
  return out;
}

/** ServerHello key_share: one entry. HelloRetryRequest key_share: just the selected group. */
export function decodeServerKeyShare(data: Uint8Array, helloRetry: boolean): KeyShareEntry | undefined {
  const r = new Reader(data);
  const group = r.u16();
  const keyExchange = helloRetry ? data.subarray(0, 0) : r.vec16();
  return r.failed || !r.atEnd ? undefined : { group, keyExchange };
}

/** pre_shared_key (client): the identities; the binders are checked for shape only. */
export function decodePskIdentities(data: Uint8Array): Uint8Array[] | undefined {
  const r = new Reader(data);
  const ids = r.sub16();
  const binders = r.sub16();
  if (r.failed || !r.atEnd || ids.atEnd) return undefined;
  const out: Uint8Array[] = [];
  while (!ids.atEnd) {
    const identity = ids.vec16();
    ids.u32(); // obfuscated_ticket_age
    if (ids.failed) return undefined;
    out.push(identity);
  }
  while (!binders.atEnd) binders.skip8();
  return binders.failed ? undefined : out;
}

/** renegotiation_info (RFC 5746): a u8-prefixed renegotiated_connection, empty on a first handshake. */
export function decodeRenegotiationInfo(data: Uint8Array): Uint8Array | undefined {
  const r = new Reader(data);
  const v = r.vec8();
  return r.failed || !r.atEnd ? undefined : v;
}

// ---- encoders -------------------------------------------------------------------------------

const ext = (type: number, build: (w: Writer) => void): Extension => {
  const w = new Writer(64);
  build(w);
  return { type, data: w.finish() };
};

const asciiBytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

const u16s =
  (width: 1 | 2, list: readonly number[]) =>
  (w: Writer): void => {
    w.block(width, (l) => {
      for (const v of list) l.u16(v);
    });
  };

const u8s =
  (list: readonly number[]) =>
  (w: Writer): void => {
    w.block(1, (l) => {
      for (const v of list) l.u8(v);
    });
  };

/** Builders for extension bodies, for the prober and for tests. */
export const Ext = {
  serverName: (hostName: string): Extension =>
    ext(0, (w) => w.block(2, (l) => l.u8(0).block(2, (n) => n.bytes(asciiBytes(hostName))))),
  alpn: (protocols: readonly string[]): Extension =>
    ext(16, (w) =>
      w.block(2, (l) => {
        for (const p of protocols) l.block(1, (n) => n.bytes(asciiBytes(p)));
      }),
    ),
  supportedVersions: (versions: readonly number[]): Extension => ext(43, u16s(1, versions)),
  supportedGroups: (groups: readonly number[]): Extension => ext(10, u16s(2, groups)),
  signatureAlgorithms: (schemes: readonly number[]): Extension => ext(13, u16s(2, schemes)),
  keyShare: (entries: readonly KeyShareEntry[]): Extension =>
    ext(51, (w) =>
      w.block(2, (l) => {
        for (const e of entries) l.u16(e.group).block(2, (k) => k.bytes(e.keyExchange));
      }),
    ),
  pskKeyExchangeModes: (modes: readonly number[]): Extension => ext(45, u8s(modes)),
  ecPointFormats: (formats: readonly number[]): Extension => ext(11, u8s(formats)),
  renegotiationInfo: (): Extension => ext(0xff01, (w) => w.u8(0)),
  sessionTicket: (ticket: Uint8Array = new Uint8Array(0)): Extension => ({ type: 35, data: ticket.slice() }),
  extendedMasterSecret: (): Extension => ({ type: 23, data: new Uint8Array(0) }),
  raw: (type: number, data: Uint8Array = new Uint8Array(0)): Extension => ({ type, data }),
} as const;
