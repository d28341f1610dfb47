// The trust anchors a chain is checked against (Node's bundled and system roots, plus any extra
// CA the config names), indexed by subject, and the signature test between two certificates.
import crypto from 'node:crypto';
import tls from 'node:tls';
import { pemBlocks } from './pem.ts';

// Trusted roots, indexed by subject, built on first use.
let rootIndex: Map<string, crypto.X509Certificate[]> | undefined;

export function defaultRoots(): Map<string, crypto.X509Certificate[]> {
  if (rootIndex) return rootIndex;
  rootIndex = new Map();
  const pems = new Set<string>(tls.rootCertificates);
  try {
    for (const pem of tls.getCACertificates('default')) pems.add(pem);
  } catch {
    // Older Node without getCACertificates: the bundled store is enough.
  }
  for (const pem of pems) addRoot(rootIndex, pem);
  return rootIndex;
}

export function addRoot(index: Map<string, crypto.X509Certificate[]>, pem: string): void {
  for (const block of pemBlocks(pem)) {
    if (block.label !== 'CERTIFICATE') continue;
    try {
      const cert = new crypto.X509Certificate(block.text);
      const list = index.get(cert.subject) ?? [];
      list.push(cert);
      index.set(cert.subject, list);
    } catch {
      // An unparsable extra root simply cannot anchor anything.
    }
  }
}

export const issuedBy = (child: crypto.X509Certificate, parent: crypto.X509Certificate): boolean => {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
};

export const selfSigned = (cert: crypto.X509Certificate): boolean => issuedBy(cert, cert);
