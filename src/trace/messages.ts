// Handshake messages as the ladder shows them: a CamelCase name and the facts worth reading,
// named with the registries in src/tls. Pure: parsing happens in the wire codecs.
import { X509Certificate } from 'node:crypto';
import { groupById, schemeById, suiteById, versionName } from '../tls/index.ts';
import { toHex } from '../wire/bytes.ts';
import type { CertificateMessage } from '../wire/certificate-message.ts';
import type { ClientHello } from '../wire/client-hello.ts';
import type { DigitallySigned } from '../wire/digitally-signed.ts';
import type { EncryptedExtensions } from '../wire/encrypted-extensions.ts';
import { extensionName } from '../wire/extension-types.ts';
import { decodeClientKeyShares, findExtension } from '../wire/extensions.ts';
import type { NewSessionTicket } from '../wire/new-session-ticket.ts';
import type { ServerHello } from '../wire/server-hello.ts';
import type { SignedKeyExchange } from '../wire/server-key-exchange.ts';
import { isGrease, ProtocolVersion } from '../wire/versions.ts';
import type { MessageDetail } from './types.ts';

const NAMES: Readonly<Record<number, string>> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  22: 'CertificateStatus',
  24: 'KeyUpdate',
  25: 'CompressedCertificate',
  254: 'MessageHash',
};

export function messageName(type: number): string {
  return NAMES[type] ?? `HandshakeType${type}`;
}

export const suiteName = (id: number): string =>
  suiteById(id)?.iana ?? `0x${id.toString(16).padStart(4, '0')}`;
export const groupName = (id: number): string =>
  isGrease(id) ? 'GREASE' : (groupById(id)?.iana ?? `0x${id.toString(16).padStart(4, '0')}`);
export const schemeName = (id: number): string =>
  schemeById(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;

const list = (ids: readonly number[], name: (id: number) => string): string[] => ids.map(name);
const hexOrNull = (b: Uint8Array | undefined): string | null =>
  b === undefined || b.length === 0 ? null : toHex(b);

export function describeClientHello(h: ClientHello): MessageDetail {
  const shares = decodeClientKeyShares(findExtension(h.extensions, 51)?.data ?? new Uint8Array(0)) ?? [];
  return {
    name: 'ClientHello',
    fields: {
      legacy_version: versionName(h.legacyVersion),
      supported_versions: list(h.supportedVersions, versionName),
      random: toHex(h.random),
      session_id: hexOrNull(h.sessionId),
      sni: h.serverName ?? null,
      alpn: [...h.alpn],
      cipher_suites: list(h.cipherSuites, (id) => (isGrease(id) ? 'GREASE' : suiteName(id))),
      supported_groups: list(h.supportedGroups, groupName),
      key_shares: shares.map((s) => `${groupName(s.group)} (${s.keyExchange.length} bytes)`),
      signature_algorithms: list(h.signatureAlgorithms, (id) => (isGrease(id) ? 'GREASE' : schemeName(id))),
      extensions: h.extensions.map((e) => extensionName(e.type)),
      session_ticket: h.sessionTicket === undefined ? null : `${h.sessionTicket.length} bytes`,
      psk_identities: h.pskIdentities.length,
      early_data: h.extensions.some((e) => e.type === 42),
    },
  };
}

export function describeServerHello(h: ServerHello): MessageDetail {
  const fields: Record<string, string | number | boolean | readonly string[] | null> = {
    version: versionName(h.selectedVersion),
    random: toHex(h.random),
    session_id: hexOrNull(h.sessionId),
    cipher_suite: suiteName(h.cipherSuite),
    key_share: h.keyShareGroup === undefined ? null : groupName(h.keyShareGroup),
    extensions: h.extensions.map((e) => extensionName(e.type)),
  };
  if (h.alpn !== undefined) fields['alpn'] = h.alpn;
  if (h.selectedVersion !== ProtocolVersion.tls13) {
    fields['extended_master_secret'] = h.extendedMasterSecret;
    fields['encrypt_then_mac'] = h.extensions.some((e) => e.type === 22);
  }
  if (h.pskSelectedIdentity !== undefined) fields['psk_selected_identity'] = h.pskSelectedIdentity;
  if (h.downgradeSentinel !== undefined) fields['downgrade_sentinel'] = h.downgradeSentinel;
  return { name: h.isHelloRetryRequest ? 'HelloRetryRequest' : 'ServerHello', fields };
}

export function describeEncryptedExtensions(e: EncryptedExtensions): MessageDetail {
  return {
    name: 'EncryptedExtensions',
    fields: {
      extensions: e.extensions.map((x) => extensionName(x.type)),
      alpn: e.alpn ?? null,
      early_data_accepted: e.earlyData,
      server_name_acknowledged: e.serverNameAck,
    },
  };
}

/** Subject, issuer, validity and key of each certificate, read with Node's X509Certificate. */
export function describeCertificate(c: CertificateMessage): MessageDetail {
  const certificates = c.entries.map((entry, i) => {
    try {
      const x = new X509Certificate(entry.der);
      const key = x.publicKey;
      const details = key.asymmetricKeyDetails;
      const size =
        details?.modulusLength !== undefined
          ? ` ${details.modulusLength}`
          : details?.namedCurve !== undefined
            ? ` ${details.namedCurve}`
            : '';
      const subject = x.subject.replaceAll('\n', ', ');
      return `#${i} ${subject} (issuer ${x.issuer.replaceAll('\n', ', ')}; ${key.asymmetricKeyType}${size}; until ${x.validTo})`;
    } catch {
      return `#${i} ${entry.der.length} bytes that do not parse as X.509`;
    }
  });
  return { name: 'Certificate', fields: { certificates, count: c.entries.length } };
}

/** The signature's scheme as the version lays it out: none before TLS 1.2, none for anonymous suites. */
export function signedSchemeName(signed: DigitallySigned | null): string {
  if (signed === null) return 'none (anonymous suite)';
  return signed.scheme === null
    ? 'none before TLS 1.2 (MD5+SHA-1, or SHA-1 for ECDSA)'
    : schemeName(signed.scheme);
}

export function describeServerKeyExchange(s: SignedKeyExchange): MessageDetail {
  if (s.kind === 'ecdhe') {
    return {
      name: 'ServerKeyExchange',
      fields: {
        group: groupName(s.group),
        public_key: `${s.publicKey.length} bytes`,
        signature_scheme: signedSchemeName(s.signed),
      },
    };
  }
  return {
    name: 'ServerKeyExchange',
    fields: {
      dh_prime_bits: s.prime.length * 8,
      public_key: `${s.publicKey.length} bytes`,
      signature_scheme: signedSchemeName(s.signed),
    },
  };
}

export function describeNewSessionTicket(t: NewSessionTicket): MessageDetail {
  const fields: Record<string, string | number | boolean | null> = {
    lifetime_seconds: t.lifetime,
    ticket: `${t.ticket.length} bytes`,
  };
  if (t.ageAdd !== undefined) fields['age_add'] = t.ageAdd;
  if (t.nonce !== undefined) fields['nonce'] = toHex(t.nonce);
  if (t.maxEarlyData !== undefined) fields['max_early_data'] = t.maxEarlyData;
  return { name: 'NewSessionTicket', fields };
}

export function plain(name: string, fields: MessageDetail['fields'] = {}): MessageDetail {
  return { name, fields };
}

export function failed(name: string, error: string): MessageDetail {
  return { name, fields: {}, error };
}
