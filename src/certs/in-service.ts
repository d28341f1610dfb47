// The certificates a plan serves, as the expiry rule takes them: read from their files at each
// check (hot reload and renewals change them), so the daily check sees what new handshakes get.
// A file that cannot be read is skipped (hot reload and `tlsterm cert status` report that); so is an
// ACME site's self-signed placeholder (the certificate manager's events say why it is still there).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { lineagePaths } from './acme/lineage.ts';
import type { AcmePlan } from './acme/settings.ts';
import type { CertificateSource, ExpiryInput } from './expiry.ts';
import { pemBlocks } from './pem.ts';

function readLeaf(file: string): crypto.X509Certificate | undefined {
  try {
    const block = pemBlocks(fs.readFileSync(file, 'latin1')).find((b) => b.label === 'CERTIFICATE');
    return block ? new crypto.X509Certificate(block.text) : undefined;
  } catch {
    return undefined;
  }
}

const signedBy = (cert: crypto.X509Certificate, issuer: crypto.X509Certificate | undefined): boolean => {
  try {
    return issuer !== undefined && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

const input = (id: string, leaf: crypto.X509Certificate, source: CertificateSource): ExpiryInput => ({
  id,
  subject: leaf.subject.split('\n').join(', '),
  serialNumber: leaf.serialNumber,
  notAfter: leaf.validToDate,
  source,
});

/** What this module reads of a plan: the sites' certificate sources (structurally a config Plan). */
export interface CertificateSources {
  readonly stateDir: string;
  readonly listeners: readonly {
    readonly sites: readonly {
      readonly id: string;
      readonly mode: 'terminate' | 'passthrough';
      readonly acme?: Pick<AcmePlan, 'lineage'>;
      readonly certificates: readonly { readonly certPath: string }[];
    }[];
  }[];
}

export function certificatesInService(plan: CertificateSources): ExpiryInput[] {
  const localCa = readLeaf(path.join(plan.stateDir, 'ca', 'ca.pem'));
  const out: ExpiryInput[] = [];
  for (const listener of plan.listeners) {
    for (const site of listener.sites) {
      if (site.mode === 'passthrough') continue;
      if (site.acme) {
        const leaf = readLeaf(lineagePaths(plan.stateDir, site.acme.lineage).fullchain);
        if (leaf && !signedBy(leaf, leaf)) out.push(input(`${site.id}.acme`, leaf, 'acme'));
        continue;
      }
      site.certificates.forEach((pair, k) => {
        const leaf = readLeaf(pair.certPath);
        if (leaf)
          out.push(
            input(`${site.id}.certificates[${k}]`, leaf, signedBy(leaf, localCa) ? 'local-ca' : 'files'),
          );
      });
    }
  }
  return out;
}
