// The facts of one negotiated handshake: what the client offered (from our ClientHello parse) and
// what was chosen (from OpenSSL, plus the group derived as explained in group-choice.ts).

import type { X509Certificate } from 'node:crypto';
import type tls from 'node:tls';
import {
  groupById,
  schemeById,
  schemeByOpenssl,
  suiteById,
  suiteByName,
  versionName,
} from '../../tls/index.ts';
import type { TlsPolicy } from '../../tls/policy.ts';
import { type ClientHello, type Extension, isGrease, ja4, offeredVersions } from '../../wire/index.ts';
import { predictGroup } from './group-choice.ts';

export interface HandshakeFacts {
  readonly sni: string | null;
  readonly version: string;
  readonly cipher: { readonly iana: string; readonly openssl: string };
  readonly group: string | null;
  readonly hello_retry: boolean;
  readonly signature_algorithm: string | null;
  readonly alpn: string | null;
  readonly resumed: boolean;
  readonly ja4: string;
  readonly offered: {
    readonly versions: readonly string[];
    readonly ciphers: readonly string[];
    readonly groups: readonly string[];
    readonly key_shares: readonly string[];
    readonly alpn: readonly string[];
    readonly signature_algorithms: readonly string[];
  };
  readonly client_certificate: {
    readonly subject: string;
    readonly issuer: string;
    readonly fingerprint256: string;
  } | null;
}

const hex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;

/** What the hello offers, named (uncached; see offeredFacts). */
export function describeOffer(hello: ClientHello): HandshakeFacts['offered'] {
  return {
    versions: offeredVersions(hello).map((v) => versionName(v)),
    ciphers: hello.cipherSuites.filter((id) => !isGrease(id)).map((id) => suiteById(id)?.iana ?? hex(id)),
    groups: hello.supportedGroups
      .filter((id) => !isGrease(id))
      .map((id) => groupById(id)?.openssl ?? hex(id)),
    key_shares: hello.keyShareGroups
      .filter((id) => !isGrease(id))
      .map((id) => groupById(id)?.openssl ?? hex(id)),
    alpn: hello.alpn,
    // Named as the chosen one is (the signature-schemes registry); an unknown one stays hex.
    signature_algorithms: hello.signatureAlgorithms
      .filter((id) => !isGrease(id))
      .map((id) => schemeById(id)?.name ?? hex(id)),
  };
}

/** The parts of a handshake's facts that depend on the ClientHello's offer alone. */
export interface OfferSummary {
  readonly ja4: string;
  readonly offered: HandshakeFacts['offered'];
  /**
   * Signature algorithm as OpenSSL chose it for this offer, per site key types (the site's own
   * array) and then per slot: TLS 1.3, or TLS 1.2 by the suite's authentication (RSA, ECDSA, other).
   */
  readonly sigalgs: WeakMap<readonly string[], (string | null | undefined)[]>;
}

// Every connection from one client build offers the same lists, so naming them and hashing the JA4
// is done once per distinct offer, not per connection, and the named lists are shared (frozen).
// Bounded: a client that varies its offer on purpose only evicts older entries.
const MAX_OFFERS = 1024;

// The key is the offer as UTF-16 code units (every field is a 16-bit number) in one scratch array:
// each list length-prefixed, so no value can pass for a separator. A connection's lookup hashes the
// scratch and compares it with the stored copies under that hash: no string, array or iterator is
// made per connection (building a string key was ~6 µs of each handshake). Keys are built
// synchronously, one at a time.
let scratch = new Uint16Array(512);

interface OfferEntry {
  readonly key: Uint16Array;
  readonly summary: OfferSummary;
  /** Another offer with the same hash. */
  next: OfferEntry | undefined;
}

const entries = new Map<number, OfferEntry>();
let entryCount = 0;

const room = (n: number, extra: number): void => {
  if (n + extra <= scratch.length) return;
  const next = new Uint16Array(Math.max(scratch.length * 2, n + extra));
  next.set(scratch);
  scratch = next;
};

const putList = (n: number, list: readonly number[]): number => {
  room(n, list.length + 1);
  const at = n;
  let end = n + 1;
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (!isGrease(v)) scratch[end++] = v;
  }
  scratch[at] = end - at - 1;
  return end;
};

/** The extension types without GREASE, sorted in place (insertion sort: a hello has ~20). */
const putSortedTypes = (n: number, extensions: readonly Extension[]): number => {
  room(n, extensions.length + 1);
  const at = n;
  let end = n + 1;
  for (let i = 0; i < extensions.length; i++) {
    const t = extensions[i]!.type;
    if (isGrease(t)) continue;
    let j = end++;
    while (j > at + 1 && scratch[j - 1]! > t) {
      scratch[j] = scratch[j - 1]!;
      j--;
    }
    scratch[j] = t;
  }
  scratch[at] = end - at - 1;
  return end;
};

/**
 * Writes the hello's key into `scratch` and returns its length. Everything ja4 and describeOffer
 * read, GREASE left out and extensions sorted: clients that pick new GREASE values or shuffle their
 * extensions (Chrome does, per connection) map to one entry.
 */
function fillOfferKey(hello: ClientHello): number {
  scratch[0] = hello.legacyVersion;
  let n = putList(1, hello.supportedVersions);
  n = putList(n, hello.cipherSuites);
  n = putSortedTypes(n, hello.extensions);
  n = putList(n, hello.supportedGroups);
  n = putList(n, hello.keyShareGroups);
  n = putList(n, hello.signatureAlgorithms);
  for (const p of hello.alpn) {
    room(n, p.length + 1);
    scratch[n++] = p.length;
    for (let i = 0; i < p.length; i++) scratch[n++] = p.charCodeAt(i);
  }
  return n;
}

/** The offer key as a string (for tests and diagnostics; the lookup does not make one). */
export function offerKey(hello: ClientHello): string {
  const n = fillOfferKey(hello);
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(scratch[i]!);
  return out;
}

// FNV-1a over the 16-bit units: the hash only picks the chain; the key is compared in full.
const hashScratch = (n: number): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ scratch[i]!, 0x01000193);
  return h >>> 0;
};

const sameKey = (key: Uint16Array, n: number): boolean => {
  if (key.length !== n) return false;
  for (let i = 0; i < n; i++) if (key[i] !== scratch[i]) return false;
  return true;
};

const freeze = <T extends object>(o: T): T => {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(o);
};

export function offerSummary(hello: ClientHello): OfferSummary {
  const n = fillOfferKey(hello);
  const hash = hashScratch(n);
  const head = entries.get(hash);
  for (let e = head; e !== undefined; e = e.next) if (sameKey(e.key, n)) return e.summary;
  const key = scratch.slice(0, n);
  const summary: OfferSummary = {
    ja4: ja4(hello),
    offered: freeze(describeOffer(hello)),
    sigalgs: new WeakMap(),
  };
  if (entryCount >= MAX_OFFERS) {
    // The oldest hash's chain goes (Map keeps insertion order).
    const [oldest, chain] = entries.entries().next().value!;
    entries.delete(oldest);
    for (let e: OfferEntry | undefined = chain; e !== undefined; e = e.next) entryCount--;
  }
  const current = entries.get(hash);
  entries.set(hash, { key, summary, next: current });
  entryCount++;
  return summary;
}

// The offer's part of the handshake log line, rendered once per distinct offer: the named lists are
// most of the line's bytes, and stringifying them per connection was most of the logger's cost.
const renderedOffers = new WeakMap<object, string>();

/**
 * `"offered":{…}` as a JSON member, for the logger's `offer` argument (which the logger writes or
 * not, per `log.handshake.offered`).
 */
export function offerMembers(facts: Pick<HandshakeFacts, 'offered'>): string {
  let text = renderedOffers.get(facts.offered);
  if (text === undefined) {
    text = `"offered":${JSON.stringify(facts.offered)}`;
    renderedOffers.set(facts.offered, text);
  }
  return text;
}

/** offerMembers of a hello's offer; '' when no hello was read (a failure before it). */
export const helloOfferMembers = (hello: ClientHello | undefined): string =>
  hello === undefined ? '' : offerMembers(offerSummary(hello));

/** The hello's JA4, or null when no hello was read. */
export const helloJa4 = (hello: ClientHello | undefined): string | null =>
  hello === undefined ? null : offerSummary(hello).ja4;

const fitsKey = (sigalg: string, keyTypes: readonly string[]): boolean => {
  if (sigalg.startsWith('ECDSA')) return keyTypes.includes('ec');
  if (sigalg.startsWith('RSA')) return keyTypes.includes('rsa');
  if (sigalg.startsWith('Ed25519')) return keyTypes.includes('ed25519');
  if (sigalg.startsWith('Ed448')) return keyTypes.includes('ed448');
  return keyTypes.includes('other');
};

/**
 * `keyTypes`: the site's certificate key types. OpenSSL walks the shared signature algorithms in
 * preference order and signs with the first one it holds a certificate for, so that one is the
 * signature algorithm used (and it names the certificate): no per-connection X509 parsing needed.
 */
export function negotiatedFacts(
  socket: tls.TLSSocket,
  hello: ClientHello,
  policy: TlsPolicy,
  keyTypes: readonly string[],
  /** The client's certificate, when the site asked for one (the caller reads it once per connection). */
  peer: X509Certificate | undefined,
): HandshakeFacts {
  const summary = offerSummary(hello);
  const cipher = socket.getCipher();
  const version = socket.getProtocol() === 'TLSv1.3' ? 'TLS1.3' : 'TLS1.2';
  const choice = predictGroup(version, policy.groups, hello.supportedGroups, hello.keyShareGroups);
  // In TLS 1.2 the suite names the certificate type (ECDHE-RSA-… needs the RSA certificate).
  const auth = version === 'TLS1.2' ? suiteByName(cipher.standardName)?.auth : undefined;
  // OpenSSL's shared list depends on the offer, the version and our certificates only: asked once
  // (keyed without making a string per connection).
  // A certificate swap gives the site a new keyTypes array; the old one's entry goes with it.
  let slots = summary.sigalgs.get(keyTypes);
  if (slots === undefined) {
    slots = [undefined, undefined, undefined, undefined];
    summary.sigalgs.set(keyTypes, slots);
  }
  const slot = version === 'TLS1.3' ? 0 : auth === 'RSA' ? 1 : auth === 'ECDSA' ? 2 : 3;
  let signatureAlgorithm = slots[slot];
  if (signatureAlgorithm === undefined) {
    const usable = auth === 'RSA' ? ['rsa'] : auth === 'ECDSA' ? ['ec'] : keyTypes;
    const sigalg = socket.getSharedSigalgs().find((s) => fitsKey(s, usable));
    signatureAlgorithm = sigalg ? (schemeByOpenssl(sigalg)?.name ?? sigalg) : null;
    slots[slot] = signatureAlgorithm;
  }
  return {
    sni: hello.serverName ?? null,
    version,
    cipher: { iana: cipher.standardName, openssl: cipher.name },
    group: choice.group ?? null,
    hello_retry: choice.helloRetry,
    signature_algorithm: signatureAlgorithm,
    alpn: socket.alpnProtocol || null,
    resumed: socket.isSessionReused(),
    ja4: summary.ja4,
    offered: summary.offered,
    client_certificate: peer
      ? { subject: peer.subject, issuer: peer.issuer, fingerprint256: peer.fingerprint256 }
      : null,
  };
}
