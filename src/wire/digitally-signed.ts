// DigitallySigned (RFC 5246 §4.7; RFC 4346 §4.7 and RFC 2246 §4.7 before it): a signature, and
// from TLS 1.2 on the SignatureAndHashAlgorithm in front of it. TLS 1.0 and 1.1 have no such
// field (the version fixes the hash: MD5+SHA-1 for RSA, SHA-1 for DSA/ECDSA), so a TLS 1.2 reader
// would take the signature's length for a scheme and fail. Every reader of a signed handshake
// message goes through this one, with the negotiated version.
import type { Reader } from './reader.ts';

export interface DigitallySigned {
  /** SignatureScheme id (TLS 1.2 SignatureAndHashAlgorithm as one u16); null before TLS 1.2. */
  readonly scheme: number | null;
  readonly signature: Uint8Array;
}

const TLS12 = 0x0303;

/** Reads one DigitallySigned as `version` lays it out; the caller checks `r.failed`. */
export function readDigitallySigned(r: Reader, version: number): DigitallySigned {
  const scheme = version >= TLS12 ? r.u16() : null;
  const signature = r.vec16();
  return { scheme, signature };
}
