// What a serving process staples: the verified response per certificate fingerprint, answered from
// memory on the handshake path (Node's 'OCSPRequest'). Filled from the disk cache at start (each
// response verified again) and then by the process that fetches (IPC in a cluster). A response past
// its nextUpdate is not stapled, whatever arrives late.

import { Buffer } from 'node:buffer';
import { readCachedResponse } from './disk-cache.ts';
import { certificateFingerprint, type OcspTarget } from './target.ts';
import { verifyOcspResponse } from './verify.ts';

export interface OcspStaples {
  /** A verified response for a certificate, or undefined to stop stapling it. */
  put(fingerprint: string, der: Uint8Array | undefined, nextUpdate: number): void;
  /** The response to staple for this certificate (DER, as the handshake presents it), if any. */
  lookup(certificateDer: Uint8Array): Buffer | undefined;
  /** Verified responses from `<stateDir>/ocsp/` for these certificates. */
  loadFromDisk(stateDir: string, targets: readonly OcspTarget[]): Promise<void>;
  /** Every response held: [fingerprint, der, nextUpdate]. */
  entries(): [string, Uint8Array, number][];
}

export function createOcspStaples(now: () => number = Date.now): OcspStaples {
  const held = new Map<string, { der: Buffer; nextUpdate: number }>();
  return {
    put(fingerprint, der, nextUpdate) {
      if (der === undefined) held.delete(fingerprint);
      else held.set(fingerprint, { der: Buffer.from(der), nextUpdate });
    },
    lookup(certificateDer) {
      // Node hands over a fresh Buffer each time: one SHA-256 of ~1 KiB per status request.
      const h = held.get(certificateFingerprint(certificateDer));
      return h !== undefined && h.nextUpdate > now() ? h.der : undefined;
    },
    async loadFromDisk(stateDir, targets) {
      await Promise.all(
        targets.map(async (t) => {
          const der = await readCachedResponse(stateDir, t.fingerprint);
          if (!der || !t.issuer || !t.certId) return;
          const v = verifyOcspResponse({ der, certId: t.certId, issuer: t.issuer, now: now() });
          if (v.ok && !held.has(t.fingerprint))
            held.set(t.fingerprint, { der: Buffer.from(der), nextUpdate: v.nextUpdate });
        }),
      );
    },
    entries: () => [...held].map(([fp, h]) => [fp, new Uint8Array(h.der), h.nextUpdate]),
  };
}
