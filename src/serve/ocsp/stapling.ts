// The handshake side: a site's TLS servers answer a client's status_request from the staples held
// in memory (Node's 'OCSPRequest'; no network on this path). Only servers of sites with something to
// staple listen: the listener makes Node stop every handshake for a JS callback.

import type { Buffer } from 'node:buffer';
import type tls from 'node:tls';
import { DEFAULT_OCSP, type OcspStaples, ocspTarget, responderUrls } from '../../certs/ocsp/index.ts';
import type { SitePlan } from '../../config/plan.ts';
import { staplesFor } from './certificates.ts';

/** Whether this site's handshakes may get a staple (decided at start, from its certificate). */
export function siteStaples(site: SitePlan): boolean {
  const pem = site.certificates[0]?.certPem;
  if (!staplesFor(site) || pem === undefined) return false;
  const target = ocspTarget(pem);
  return (
    target !== undefined &&
    (responderUrls(site.ocsp ?? DEFAULT_OCSP, target.aiaUrls).length > 0 || target.mustStaple)
  );
}

export function attachStapling(server: tls.Server, staples: OcspStaples): void {
  server.on(
    'OCSPRequest',
    (certificate: Buffer, _issuer: Buffer, callback: (err: Error | null, resp: Buffer) => void) => {
      // No response: Node sends no status, and the handshake goes on.
      callback(null, staples.lookup(certificate) as Buffer);
    },
  );
}
