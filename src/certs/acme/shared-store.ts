// What instances on several hosts share besides locks and challenge answers: the issued
// certificates (chain + key) and the ACME account key. The instance that holds a name's order lock
// orders and publishes; the others adopt the published version into their own state_dir, in certbot
// layout, where their file watchers pick it up. Both values are secrets (private keys): a shared
// store must be as well protected as the state directory (docs/certificates.md).

import type { LineageVersion } from './lineage.ts';

export interface SharedCertificateStore {
  /** The version last published for lineage `name`. Throws when the store cannot be reached. */
  getCertificate(name: string): Promise<LineageVersion | undefined>;
  /** Publish a new version of `name` (kept `ttlMs`, e.g. until it expires) and tell the others. */
  putCertificate(name: string, version: LineageVersion, ttlMs: number): Promise<void>;
  /**
   * The account key for `directory`: the one already published, else `candidate`, published now (the
   * first writer wins, so instances starting together agree on one account).
   */
  accountKey(directory: string, candidate: string): Promise<string>;
  /** Called with a lineage name each time some instance publishes it; returns unsubscribe. */
  onCertificate(listener: (name: string) => void): () => void;
}

/** In one process: for tests, and to show the contract. */
export function createMemorySharedStore(): SharedCertificateStore {
  const certificates = new Map<string, LineageVersion>();
  const accounts = new Map<string, string>();
  const listeners = new Set<(name: string) => void>();
  return {
    async getCertificate(name) {
      return certificates.get(name);
    },
    async putCertificate(name, version) {
      certificates.set(name, { fullchainPem: version.fullchainPem, keyPem: version.keyPem });
      for (const l of [...listeners]) queueMicrotask(() => l(name));
    },
    async accountKey(directory, candidate) {
      const known = accounts.get(directory);
      if (known !== undefined) return known;
      accounts.set(directory, candidate);
      return candidate;
    },
    onCertificate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
