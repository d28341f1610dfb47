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
