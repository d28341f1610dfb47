// OpenSSL certificate-verification codes (as Node reports them in error.code and
// authorizationError) that mean "no trusted CA signed this": the fix is the CA bundle, not the
// certificate's dates or names. Shared by upstream verification and client-certificate checks.

const UNTRUSTED_ISSUER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

export const isUntrustedIssuer = (code: string): boolean => UNTRUSTED_ISSUER.has(code);

// The verify codes a client or server certificate most often fails with, in words an operator can
// act on (Node's names for OpenSSL's X509_V_ERR_*). Others are shown as the code alone.
const WORDS: Readonly<Record<string, string>> = {
  INVALID_PURPOSE:
    'its key usage or extended key usage does not allow this use (a client certificate needs clientAuth in extendedKeyUsage and digitalSignature in keyUsage)',
  CERT_REVOKED: 'it has been revoked',
  CERT_REJECTED: 'the trust settings of its root reject this use',
  INVALID_CA: 'a certificate in its chain is used as a CA but is not a valid CA certificate',
  PATH_LENGTH_EXCEEDED: 'its chain is longer than a CA in it allows (pathLenConstraint)',
  CERT_CHAIN_TOO_LONG: 'its chain is too long',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: "its issuer's public key cannot be read",
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'its signature cannot be checked',
  CERT_SIGNATURE_FAILURE: 'its signature does not verify',
  EE_KEY_TOO_SMALL: 'its key is too small for the security level',
  CA_KEY_TOO_SMALL: "its CA's key is too small for the security level",
  CA_MD_TOO_WEAK: 'it is signed with a digest too weak for the security level (e.g. SHA-1)',
  UNHANDLED_CRITICAL_EXTENSION: 'it has a critical extension OpenSSL does not know',
};

/** "<what is wrong> (<CODE>)" for a verify code. */
export const verifyCodeInWords = (code: string): string =>
  WORDS[code] !== undefined ? `${WORDS[code]} (${code})` : code;
