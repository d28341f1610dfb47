// What one probe offers, and the ClientHello record that carries it. Pure: randomness and key
// shares come in as arguments, so tests can pin the bytes. The prober writes hellos OpenSSL would
// refuse to send (SSL 3.0, export suites, a supported_groups list with no matching share).

import { CIPHER_SUITES, type CipherSuite, GROUPS, SIGNATURE_SCHEMES } from '../tls/index.ts';
import {
  ContentType,
  Ext,
  type Extension,
  encodeClientHello,
  encodeHandshake,
  encodeRecords,
  HandshakeType,
  ProtocolVersion,
  STATUS_REQUEST_OCSP,
} from '../wire/index.ts';

export const SSL3 = ProtocolVersion.ssl3;
export const TLS10 = ProtocolVersion.tls10;
export const TLS11 = ProtocolVersion.tls11;
export const TLS12 = ProtocolVersion.tls12;
export const TLS13 = ProtocolVersion.tls13;

export interface Offer {
  /** The one version offered: legacy_version for SSL 3.0–TLS 1.2, supported_versions [0x0304] for 1.3. */
  readonly version: number;
  readonly suites: readonly number[];
  readonly sni?: string | undefined;
  /** supported_groups; default: every group the version can use. */
  readonly groups?: readonly number[];
  /** TLS 1.3 key shares (groups); default X25519MLKEM768, X25519, P-256. Empty: an empty key_share. */
  readonly keyShares?: readonly number[];
  /** signature_algorithms; default: every scheme. Not sent below TLS 1.2. */
  readonly sigalgs?: readonly number[];
  readonly alpn?: readonly string[];
  /** compression_methods; default [0] (null). */
  readonly compression?: readonly number[];
  readonly statusRequest?: boolean;
  readonly heartbeat?: boolean;
  /** Append TLS_FALLBACK_SCSV (RFC 7507) to the suites. */
  readonly fallbackScsv?: boolean;
}

/** Client preference: AEAD with forward secrecy first, weak last; ECDSA/RSA before the rest. */
function rank(s: CipherSuite): number {
  const strength = s.strength === 'strong' ? 0 : s.strength === 'cbc' ? 2 : 4;
  const auth = s.auth === 'ECDSA' || s.auth === 'RSA' || s.auth === 'any' ? 0 : 1;
  return strength * 4 + (s.pfs ? 0 : 1) * 2 + auth;
}

const ORDERED = CIPHER_SUITES.filter((s) => !s.signalling)
  .map((s, i) => ({ s, i }))
  .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
  .map(({ s }) => s);

/** Every suite a hello of this version may offer, in the prober's own preference order. */
export function suitesFor(version: number): CipherSuite[] {
  if (version >= TLS13) return ORDERED.filter((s) => s.versions === 'tls13');
  if (version === TLS12) return ORDERED.filter((s) => s.versions !== 'tls13');
  return ORDERED.filter((s) => s.versions === 'legacy');
}

/** Groups a version can negotiate: TLS 1.3 drops the legacy curves, TLS 1.2 the TLS 1.3-only ones. */
export function groupsFor(version: number): number[] {
  return GROUPS.filter((g) => (version >= TLS13 ? !g.legacyOnly : !g.tls13Only)).map((g) => g.id);
}

// Modern schemes first, so a server that picks by client order picks what a browser would get.
const SCHEME_ORDER = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501,
  0x0601, 0x081a, 0x081b, 0x081c, 0x0904, 0x0905, 0x0906,
];
export const ALL_SIGALGS: readonly number[] = [
  ...SCHEME_ORDER,
  ...SIGNATURE_SCHEMES.map((s) => s.id).filter((id) => !SCHEME_ORDER.includes(id)),
];

/** The key shares most clients send today (Chrome, Firefox, OpenSSL 3.5: the hybrid plus X25519). */
export const TYPICAL_SHARES: readonly number[] = [0x11ec, 29];
const DEFAULT_SHARES: readonly number[] = [0x11ec, 29, 23];

export interface HelloMaterial {
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  /** A public key share for a group, or undefined when none can be made (the entry is skipped). */
  readonly shareFor: (group: number) => Uint8Array | undefined;
}

/** The extensions of an offer, in the order they are sent. */
export function offerExtensions(offer: Offer, shareFor: HelloMaterial['shareFor']): Extension[] {
  const tls13 = offer.version >= TLS13;
  const exts: Extension[] = [];
  if (offer.sni !== undefined && offer.sni !== '') exts.push(Ext.serverName(offer.sni));
  if (offer.version >= TLS10) {
    exts.push(Ext.supportedGroups(offer.groups ?? groupsFor(offer.version)));
    if (!tls13) exts.push(Ext.ecPointFormats([0]));
    if (offer.version >= TLS12) exts.push(Ext.signatureAlgorithms(offer.sigalgs ?? ALL_SIGALGS));
    if (offer.alpn && offer.alpn.length > 0) exts.push(Ext.alpn(offer.alpn));
    if (offer.statusRequest) exts.push(Ext.raw(5, STATUS_REQUEST_OCSP));
    if (offer.heartbeat) exts.push(Ext.raw(15, Uint8Array.of(1))); // peer_allowed_to_send
    if (!tls13) {
      exts.push(Ext.renegotiationInfo(), Ext.extendedMasterSecret(), Ext.sessionTicket());
    } else {
      exts.push(Ext.supportedVersions([TLS13]), Ext.pskKeyExchangeModes([1]));
      const groups = offer.groups ?? groupsFor(offer.version);
      const shares = (offer.keyShares ?? DEFAULT_SHARES).filter((g) => groups.includes(g));
      const entries = shares.flatMap((group) => {
        const keyExchange = shareFor(group);
        return keyExchange ? [{ group, keyExchange }] : [];
      });
      exts.push(Ext.keyShare(entries));
    }
  }
  return exts;
}

/** One ClientHello, framed in handshake records ready to write to the socket. */
export function encodeOffer(offer: Offer, material: HelloMaterial): Uint8Array {
  const tls13 = offer.version >= TLS13;
  const suites = [...offer.suites];
  if (offer.fallbackScsv) suites.push(0x5600);
  // SSL 3.0 has no extensions block; its hello signals RFC 5746 with the SCSV instead.
  if (offer.version === SSL3) suites.push(0x00ff);
  const body = encodeClientHello({
    legacyVersion: tls13 ? TLS12 : offer.version,
    random: material.random,
    sessionId: tls13 ? material.sessionId : new Uint8Array(0),
    cipherSuites: suites,
    compressionMethods: offer.compression ?? [0],
    ...(offer.version === SSL3 ? {} : { extensions: offerExtensions(offer, material.shareFor) }),
  });
  // Record version 0x0301 for everything above SSL 3.0: what real clients send, and what old
  // servers tolerate.
  const recordVersion = offer.version === SSL3 ? SSL3 : TLS10;
  return encodeRecords(
    ContentType.handshake,
    recordVersion,
    encodeHandshake(HandshakeType.clientHello, body),
  );
}
