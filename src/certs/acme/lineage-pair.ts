// What an ACME site serves at start: live/<name>/ as a CertificatePair, whatever its dates or
// chain. A real certificate that expired, or that a private root the config does not trust signed,
// is still better than nothing while the manager orders a new one; `tlsterm check` warns about it.
// Only a key that does not match (or unreadable files) leaves the site without a pair.

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { keyTypeOf } from '../key-facts.ts';
import { oneLineName } from '../load-pair.ts';
import { parseSubjectAltName } from '../names.ts';
import type { CertificatePair } from '../pair.ts';
import { pemBlocks } from '../pem.ts';
import { lineagePaths } from './lineage.ts';

export async function loadLineagePair(stateDir: string, name: string): Promise<CertificatePair | undefined> {
  const p = lineagePaths(stateDir, name);
  try {
    const [chainText, keyText] = await Promise.all([
      fs.readFile(p.fullchain, 'utf8'),
      fs.readFile(p.privkey, 'utf8'),
    ]);
    const certs = pemBlocks(chainText).filter((b) => b.label === 'CERTIFICATE');
    const keyBlock = pemBlocks(keyText).find((b) => b.label.endsWith('PRIVATE KEY'));
    const leafBlock = certs[0];
    if (!leafBlock || !keyBlock) return undefined;
    const leaf = new crypto.X509Certificate(leafBlock.text);
    const key = crypto.createPrivateKey(keyBlock.text);
    if (!leaf.checkPrivateKey(key)) return undefined;
    return {
      certPath: p.fullchain,
      keyPath: p.privkey,
      certPem: certs.map((b) => b.text).join(''),
      keyPem: keyBlock.text,
      keyType: keyTypeOf(key),
      subject: oneLineName(leaf.subject),
      serialNumber: leaf.serialNumber,
      notAfter: leaf.validToDate,
      sans: parseSubjectAltName(leaf.subjectAltName),
    };
  } catch {
    return undefined;
  }
}
