// Self-signed ECDSA P-256 certificates for the two places ACME needs one: the placeholder a site
// serves before its first issuance, and the TLS-ALPN-01 challenge certificate. No KeyUsage
// extension on purpose: with one, OpenSSL only accepts a certificate as its own issuer when it may
// sign certificates, and the placeholder must read as self-signed (load-pair then accepts it as a
// chain of one, and the manager knows it is not a CA's).

import { Buffer } from 'node:buffer';
import '../reflect-metadata.ts';
import crypto, { type webcrypto } from 'node:crypto';
import net from 'node:net';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface SelfSignedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

export interface SelfSignedOptions {
  readonly names: readonly string[];
  /** Distinguished name, e.g. 'CN=tlsterm placeholder'. */
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions?: readonly x509.Extension[];
}

const pem = (der: Uint8Array, label: string): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END ${label}-----\n`;

export async function createSelfSigned(opts: SelfSignedOptions): Promise<SelfSignedCertificate> {
  const alg: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await crypto.webcrypto.subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: opts.subject,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.SubjectAlternativeNameExtension(
        opts.names.map((n) =>
          net.isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
        ),
      ),
      ...(opts.extensions ?? []),
    ],
  });
  const pkcs8 = new Uint8Array(await crypto.webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certPem: `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`,
    keyPem: pem(pkcs8, 'PRIVATE KEY'),
  };
}

export { x509 };
