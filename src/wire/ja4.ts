// JA4 TLS client fingerprint, per FoxIO's public specification (technical_details/JA4.md in
// FoxIO-LLC/ja4): "t13d1516h2_8daaf6152771_e5627efa2ab1".
//   a: transport, version, SNI d/i, cipher count, extension count, ALPN first+last char
//   b: sha256 (first 12 hex) of the sorted cipher list
//   c: sha256 (first 12 hex) of the sorted extension list without SNI/ALPN, then `_` and the
//      signature algorithms in wire order
// GREASE is ignored everywhere.
import { hash } from 'node:crypto';
import { hex4 } from './bytes.ts';
import type { ClientHello } from './client-hello.ts';
import { isGrease, versionRank } from './versions.ts';

export type Ja4Transport = 't' | 'q' | 'd';

/** The JA4 fingerprint (hashed form). */
export function ja4(hello: ClientHello, transport: Ja4Transport = 't'): string {
  const p = ja4Parts(hello, transport, false);
  return `${p.a}_${truncatedHash(p.ciphers)}_${truncatedHash(p.extensions)}`;
}

/**
 * The raw forms: `ja4_r` (sorted lists in clear) or, with `original`, `ja4_ro` (wire order, SNI and
 * ALPN kept), useful to see *why* two fingerprints differ.
 */
export function ja4Raw(
  hello: ClientHello,
  options: { transport?: Ja4Transport; original?: boolean } = {},
): string {
  const p = ja4Parts(hello, options.transport ?? 't', options.original ?? false);
  return `${p.a}_${p.ciphers}_${p.extensions}`;
}

/** `ja4_o`: the hashed form of the original-order lists. */
export function ja4Original(hello: ClientHello, transport: Ja4Transport = 't'): string {
  const p = ja4Parts(hello, transport, true);
  return `${p.a}_${truncatedHash(p.ciphers)}_${truncatedHash(p.extensions)}`;
}

interface Parts {
  readonly a: string;
  /** Comma-joined 4-hex cipher list; '' when there are none. */
  readonly ciphers: string;
  /** Comma-joined 4-hex extension list, then `_` + signature algorithms if any; '' when none. */
  readonly extensions: string;
}

function ja4Parts(hello: ClientHello, transport: Ja4Transport, original: boolean): Parts {
  // Typed arrays: numeric sort without a comparator, no boxing (this runs once per connection).
  const ciphers = new Uint16Array(hello.cipherSuites.length);
  let cipherCount = 0;
  for (const c of hello.cipherSuites) if (!isGrease(c)) ciphers[cipherCount++] = c;

  let extensionCount = 0;
  let hasSni = false;
  const extensions = new Uint16Array(hello.extensions.length);
  let listed = 0;
  for (const { type } of hello.extensions) {
    if (isGrease(type)) continue;
    extensionCount++;
    if (type === 0) hasSni = true;
    if (original || (type !== 0 && type !== 16)) extensions[listed++] = type;
  }
  const cipherList = ciphers.subarray(0, cipherCount);
  const extensionList = extensions.subarray(0, listed);
  if (!original) {
    cipherList.sort();
    extensionList.sort();
  }

  const a =
    transport +
    versionCode(hello) +
    (hasSni ? 'd' : 'i') +
    twoDigits(cipherCount) +
    twoDigits(extensionCount) +
    alpnCode(hello);

  let ext = hexList(extensionList);
  if (ext !== '') {
    let sigs = '';
    for (const s of hello.signatureAlgorithms)
      if (!isGrease(s)) sigs += sigs === '' ? hex4(s) : `,${hex4(s)}`;
    if (sigs !== '') ext += `_${sigs}`;
  }
  return { a, ciphers: hexList(cipherList), extensions: ext };
}

function hexList(values: Uint16Array): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += i === 0 ? hex4(values[i]!) : `,${hex4(values[i]!)}`;
  return out;
}

// An empty list is shown as twelve zeros rather than the hash of nothing, so "no values" is obvious.
function truncatedHash(list: string): string {
  if (list === '') return '000000000000';
  return hash('sha256', list, 'hex').slice(0, 12); // one-shot: no Hash object per call
}

function twoDigits(n: number): string {
  return n > 99 ? '99' : n < 10 ? `0${n}` : String(n);
}

const VERSION_CODES: ReadonlyMap<number, string> = new Map([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0x0200, 's2'], // earlier revisions of the spec wrote SSL 2.0 (and 1.0) this way
  [0x0100, 's1'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);

// Highest non-GREASE supported_versions entry, else the ClientHello's legacy_version (the record
// version is deliberately ignored). "Highest" ranks DTLS numbers, which count downwards.
function versionCode(hello: ClientHello): string {
  let best: number | undefined;
  for (const v of hello.supportedVersions) {
    if (isGrease(v)) continue;
    if (best === undefined || versionRank(v) > versionRank(best)) best = v;
  }
  return VERSION_CODES.get(best ?? hello.legacyVersion) ?? '00';
}

const isAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

// First and last character of the first ALPN value; if either is not alphanumeric, the first and
// last hex digits of the value's bytes instead. '00' when there is no (non-empty) first value.
function alpnCode(hello: ClientHello): string {
  const first = hello.alpn[0];
  if (first === undefined || first.length === 0) return '00';
  const head = first.charCodeAt(0);
  const tail = first.charCodeAt(first.length - 1);
  if (isAlnum(head) && isAlnum(tail)) return first[0]! + first[first.length - 1]!;
  const HEX = '0123456789abcdef';
  return HEX[(head >> 4) & 15]! + HEX[tail & 15]!;
}
