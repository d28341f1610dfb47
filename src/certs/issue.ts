// Issue X.509 certificates with @peculiar/x509 on Node's WebCrypto: the local development CA uses this,
// and so do the tests (chains, expired and weak certificates, …).

import { Buffer } from 'node:buffer';
import './reflect-metadata.ts';
import crypto, { type webcrypto } from 'node:crypto';
import net from 'node:net';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
type EcdsaParams = webcrypto.EcdsaParams;
type RsaHashedImportParams = webcrypto.RsaHashedImportParams;
type EcKeyImportParams = webcrypto.EcKeyImportParams;
type RsaHashedKeyGenParams = webcrypto.RsaHashedKeyGenParams;
type EcKeyGenParams = webcrypto.EcKeyGenParams;

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyType = 'ec' | 'rsa';
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SHA-1';

/** The CA that signs; absent = self-signed. */
export interface Issuer {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface IssueOptions {
  readonly issuer?: Issuer;
  /** DNS names and IP addresses for the SAN; the first also becomes the CN unless `subject` is set. */
  readonly names: readonly string[];
  /** Distinguished name, e.g. 'CN=tlsterm local CA 1a2b3c'. */
  readonly subject?: string;
  readonly keyType: KeyType;
  /** RSA modulus size; default 2048. */
  readonly rsaBits?: number;
  /** EC curve; default P-256. */
  readonly curve?: 'P-256' | 'P-384' | 'P-521';
  /** Default: now minus 5 minutes (clock skew). */
  readonly notBefore?: Date;
  /** Default: notBefore + 90 days. */
  readonly notAfter?: Date;
  readonly isCa?: boolean;
  /** For CAs: how many CAs may follow below it; default none for an issued CA, unlimited self-signed. */
  readonly pathLength?: number;
  /** Hash the issuer signs with; default SHA-256. */
  readonly hash?: HashName;
  /** An AIA extension naming this OCSP responder. */
  readonly ocspUrl?: string;
  /** TLS Feature status_request (RFC 7633 "must-staple"). */
  readonly mustStaple?: boolean;
  /** A delegated OCSP responder's certificate: EKU id-kp-OCSPSigning only. */
  readonly ocspSigning?: boolean;
}

export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM, unencrypted. */
  readonly keyPem: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const DAY_MS = 86_400_000;

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function signingParams(keyType: KeyType, hash: HashName): RsaHashedImportParams | EcKeyImportParams {
  return keyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash } : { name: 'ECDSA', namedCurve: 'P-256' };
}

async function generateKeys(opts: IssueOptions): Promise<CryptoKeyPair> {
  const params: RsaHashedKeyGenParams | EcKeyGenParams =
    opts.keyType === 'rsa'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: opts.rsaBits ?? 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        }
      : { name: 'ECDSA', namedCurve: opts.curve ?? 'P-256' };
  return (await crypto.webcrypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** The issuer's private key as a WebCrypto signing key, plus the matching signature algorithm. */
async function issuerSigner(
  keyPem: string,
  hash: HashName,
): Promise<{ key: CryptoKey; algorithm: Algorithm | EcdsaParams }> {
  const keyObject = crypto.createPrivateKey(keyPem);
  if (keyObject.asymmetricKeyType === 'rsa') {
    const params = signingParams('rsa', hash);
    return { key: await keyObject.toCryptoKey(params, false, ['sign']), algorithm: params };
  }
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : 'P-256';
    const key = await keyObject.toCryptoKey({ name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash } };
  }
  throw new Error(`cannot sign with a ${keyObject.asymmetricKeyType ?? 'unknown'} issuer key`);
}

function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
}

const escapeDn = (value: string): string => value.replace(/([,+"\\<>;=])/g, '\\$1');

/** Issue a certificate (and a fresh key). Throws on bad input: this is set-up code, not the data path. */
export async function issueCertificate(opts: IssueOptions): Promise<IssuedCertificate> {
  const hash = opts.hash ?? 'SHA-256';
  const notBefore = opts.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 90 * DAY_MS);
  const keys = await generateKeys(opts);
  const subject = opts.subject ?? `CN=${escapeDn(opts.names[0] ?? 'tlsterm')}`;
  const serialNumber = randomSerial();

  const extensions: x509.Extension[] = [];
  if (opts.isCa) {
    const pathLength = opts.pathLength ?? (opts.issuer ? 0 : undefined);
    extensions.push(new x509.BasicConstraintsExtension(true, pathLength, true));
    extensions.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
    );
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    const usage =
      opts.keyType === 'rsa'
        ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
        : x509.KeyUsageFlags.digitalSignature;
    extensions.push(new x509.KeyUsagesExtension(usage, true));
    extensions.push(
      new x509.ExtendedKeyUsageExtension(
        opts.ocspSigning
          ? [x509.ExtendedKeyUsage.ocspSigning]
          : [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
      ),
    );
  }
  if (opts.ocspUrl !== undefined)
    extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: opts.ocspUrl }));
  // TLSFeature ::= SEQUENCE OF INTEGER; 5 = status_request.
  if (opts.mustStaple)
    extensions.push(
      new x509.Extension('1.3.6.1.5.5.7.1.24', false, Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05)),
    );
  if (opts.names.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        opts.names.map((n) => {
          const bare = n.startsWith('[') && n.endsWith(']') ? n.slice(1, -1) : n;
          return net.isIP(bare) ? { type: 'ip' as const, value: bare } : { type: 'dns' as const, value: n };
        }),
      ),
    );
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));

  let cert: x509.X509Certificate;
  if (opts.issuer) {
    const issuerCert = new x509.X509Certificate(opts.issuer.certPem);
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerCert));
    const signer = await issuerSigner(opts.issuer.keyPem, hash);
    cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject,
      issuer: issuerCert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: signer.key,
      signingAlgorithm: signer.algorithm,
      extensions,
    });
  } else {
    const algorithm: Algorithm | EcdsaParams =
      opts.keyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash };
    const signingKeys = opts.keyType === 'rsa' && hash !== 'SHA-256' ? await reimportRsa(keys, hash) : keys;
    cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber,
      name: subject,
      notBefore,
      notAfter,
      keys: signingKeys,
      signingAlgorithm: algorithm,
      extensions,
    });
  }

  const pkcs8 = await crypto.webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: cert.toString('pem').replace(/\r\n/g, '\n').trimEnd() + '\n',
    keyPem: toPem(pkcs8, 'PRIVATE KEY'),
    serialNumber,
    notBefore,
    notAfter,
  };
}

/** RSA WebCrypto keys carry their hash; a self-signature with another hash needs the key re-imported. */
async function reimportRsa(keys: CryptoKeyPair, hash: HashName): Promise<CryptoKeyPair> {
  const params = signingParams('rsa', hash);
  const subtle = crypto.webcrypto.subtle;
  const privateKey = await subtle.importKey(
    'pkcs8',
    await subtle.exportKey('pkcs8', keys.privateKey),
    params,
    true,
    ['sign'],
  );
  const publicKey = await subtle.importKey(
    'spki',
    await subtle.exportKey('spki', keys.publicKey),
    params,
    true,
    ['verify'],
  );
  return { privateKey, publicKey };
}
