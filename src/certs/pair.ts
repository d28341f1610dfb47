// A certificate and its private key as served: the unit certs/ loads, watches and swaps.

/** One certificate + key pair as loaded from disk (or generated). PEM text, never logged. */
export interface CertificatePair {
  readonly certPath: string;
  readonly keyPath: string;
  /** Full chain, leaf first. */
  readonly certPem: string;
  readonly keyPem: string;
  readonly keyType: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'other';
  /** Leaf facts, for logs and `inspect`. */
  readonly subject: string;
  readonly serialNumber: string;
  readonly notAfter: Date;
  readonly sans: readonly string[];
}
