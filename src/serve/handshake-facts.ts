// The facts of one negotiated handshake: what the client offered (from our ClientHello parse) and
// what was chosen (from OpenSSL, plus the group derived as explained in group-choice.ts).

import type tls from 'node:tls';
import type { TlsPolicy } from '../config/plan.ts';
import { groupById, schemeByOpenssl, suiteById, suiteByName, versionName } from '../tls/index.ts';
import { type ClientHello, isGrease, ja4, offeredVersions } from '../wire/index.ts';
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

export function offeredFacts(hello: ClientHello): HandshakeFacts['offered'] {
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
    signature_algorithms: hello.signatureAlgorithms.filter((id) => !isGrease(id)).map(hex),
  };
}

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
  requestedClientCert: boolean,
): HandshakeFacts {
  const cipher = socket.getCipher();
  const version = socket.getProtocol() === 'TLSv1.3' ? 'TLS1.3' : 'TLS1.2';
  const choice = predictGroup(version, policy.groups, hello.supportedGroups, hello.keyShareGroups);
  // In TLS 1.2 the suite names the certificate type (ECDHE-RSA-… needs the RSA certificate).
  const auth = version === 'TLS1.2' ? suiteByName(cipher.standardName)?.auth : undefined;
  const usable = auth === 'RSA' ? ['rsa'] : auth === 'ECDSA' ? ['ec'] : keyTypes;
  const sigalg = socket.getSharedSigalgs().find((s) => fitsKey(s, usable));
  const peer = requestedClientCert ? socket.getPeerX509Certificate() : undefined;
  return {
    sni: hello.serverName ?? null,
    version,
    cipher: { iana: cipher.standardName, openssl: cipher.name },
    group: choice.group ?? null,
    hello_retry: choice.helloRetry,
    signature_algorithm: sigalg ? (schemeByOpenssl(sigalg)?.name ?? sigalg) : null,
    alpn: socket.alpnProtocol || null,
    resumed: socket.isSessionReused(),
    ja4: ja4(hello),
    offered: offeredFacts(hello),
    client_certificate: peer
      ? { subject: peer.subject, issuer: peer.issuer, fingerprint256: peer.fingerprint256 }
      : null,
  };
}
