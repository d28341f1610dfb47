// TLS 1.2 RSA key exchange from the server's private key (the seeds' 000 §2.3): the
// ClientKeyExchange holds the pre-master secret encrypted with RSAES-PKCS1-v1_5 to the
// certificate's key. OpenSSL 3.2+ answers a bad PKCS#1 padding with a random "implicit rejection"
// message instead of an error, so we decrypt without padding and check the block ourselves: a
// wrong key must say so, not yield a plausible-looking wrong secret.
import { Buffer } from 'node:buffer';
import { constants, createPublicKey, type KeyObject, privateDecrypt, X509Certificate } from 'node:crypto';
import { fail, ok, type ParseResult } from '../wire/parse-result.ts';

export interface PreMaster {
  readonly preMaster: Uint8Array;
  /** The pre-master's first two bytes, which RFC 5246 §7.4.7.1 says are ClientHello.client_version. */
  readonly version: number;
}

/** The PKCS#1 v1.5 type 2 block 00 02 PS 00 M with at least 8 bytes of non-zero padding. */
export function unpadPkcs1Type2(block: Uint8Array): Uint8Array | undefined {
  if (block.length < 11 || block[0] !== 0 || block[1] !== 2) return undefined;
  let at = 2;
  while (at < block.length && block[at] !== 0) at++;
  if (at >= block.length || at - 2 < 8) return undefined;
  return block.subarray(at + 1);
}

/** Decrypts an encrypted pre-master secret with one RSA private key. */
export function decryptPreMaster(key: KeyObject, encrypted: Uint8Array): ParseResult<PreMaster> {
  if (key.asymmetricKeyType !== 'rsa')
    return fail(`the key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not RSA`);
  const bytes = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  if (encrypted.length !== bytes)
    return fail(
      `the encrypted pre-master secret is ${encrypted.length} bytes; this ${bytes * 8}-bit key makes ${bytes}`,
    );
  let block: Uint8Array;
  try {
    block = new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encrypted));
  } catch (error) {
    const message = (error as Error).message;
    // A value made with another key's (larger) modulus: that key's, not this one's.
    if (message.includes('data too large for modulus'))
      return fail("the encrypted value is larger than this key's modulus: wrong private key");
    return fail(`RSA decryption failed: ${message}`);
  }
  const message = unpadPkcs1Type2(block);
  if (message === undefined) return fail('the decrypted block is not PKCS#1 v1.5 padded: wrong private key');
  if (message.length !== 48)
    return fail(`the pre-master secret is ${message.length} bytes, not 48: wrong private key`);
  return ok({ preMaster: message, version: (message[0]! << 8) | message[1]! });
}

/** Whether a private key belongs to the certificate (by comparing public keys). */
export function keyMatchesCertificate(key: KeyObject, certificateDer: Uint8Array): boolean {
  try {
    const cert = new X509Certificate(certificateDer);
    const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(fromKey, fromCert) === 0;
  } catch {
    return false;
  }
}
