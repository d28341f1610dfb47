// Trust anchors for the chain check: Node's default CA list (its bundled Mozilla store, plus
// NODE_EXTRA_CA_CERTS, plus the operating system's store when Node runs with --use-system-ca),
// or the certificates of a --ca file. Indexed by subject so issuer look-ups are cheap.
import crypto from 'node:crypto';
import tls from 'node:tls';
// The module, not certs/index.ts: the index pulls in @peculiar/x509 (issuing), which probe's
// start-up does not need.
import { pemBlocks } from '../certs/pem.ts';

export interface TrustStore {
  /** 'system', or the --ca file's name. */
  readonly label: string;
  readonly bySubject: ReadonlyMap<string, readonly crypto.X509Certificate[]>;
  readonly fingerprints: ReadonlySet<string>;
}

function build(label: string, pems: Iterable<string>): TrustStore {
  const bySubject = new Map<string, crypto.X509Certificate[]>();
  const fingerprints = new Set<string>();
  for (const pem of pems) {
    for (const block of pemBlocks(pem)) {
      if (block.label !== 'CERTIFICATE') continue;
      try {
        const cert = new crypto.X509Certificate(block.text);
        const list = bySubject.get(cert.subject) ?? [];
        list.push(cert);
        bySubject.set(cert.subject, list);
        fingerprints.add(cert.fingerprint256);
      } catch {
        // An unparsable certificate cannot anchor anything.
      }
    }
  }
  return { label, bySubject, fingerprints };
}

let system: TrustStore | undefined;

export function systemTrustStore(): TrustStore {
  if (system) return system;
  let pems: readonly string[];
  try {
    pems = tls.getCACertificates('default');
  } catch {
    pems = tls.rootCertificates;
  }
  system = build('system', pems);
  return system;
}

/** The certificates of a PEM text (a --ca file), as the only anchors. */
export function trustStoreFromPem(pem: string, label: string): TrustStore {
  return build(label, [pem]);
}

export function storeSize(store: TrustStore): number {
  return store.fingerprints.size;
}
