// Load and vet a certificate chain + private key from disk (certbot's live/<name>/fullchain.pem and
// privkey.pem, symlinks followed). Every finding is a Problem with a plain message and a hint; nothing
// here throws. Key material never appears in a message.

import type { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { Problem } from '../problems.ts';
import { err, warn } from '../problems.ts';
import { chainVerdict } from './chain-rule.ts';
import { keyMatches, keyTypeOf, weakKeyReason } from './key-facts.ts';
import { parseSubjectAltName } from './names.ts';
import type { CertificatePair } from './pair.ts';
import { looksLikeDer, pemBlocks } from './pem.ts';
import { addRoot, defaultRoots, issuedBy, selfSigned } from './trust-roots.ts';

export interface LoadPairOptions {
  /** Clock for validity checks; default now. */
  readonly now?: Date;
  /** Extra trusted roots (PEM texts), for private CAs: a chain may end at one of these. */
  readonly extraCa?: readonly string[];
  /** Warn when the leaf expires within this many days; default 14. */
  readonly expiryWarningDays?: number;
}

export interface LoadPairResult {
  /** Set only when there is no error (warnings allowed). */
  readonly pair?: CertificatePair;
  /** Paths are 'cert' or 'key' (relative to the `certificates[i]` entry). */
  readonly problems: Problem[];
}

const DAY_MS = 86_400_000;

/** 'CN=a, O=b' from Node's multi-line distinguished name. */
export function oneLineName(dn: string): string {
  return dn.split('\n').join(', ');
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

type ReadResult = { ok: true; bytes: Buffer } | { ok: false; why: string };

async function readFileBytes(file: string): Promise<ReadResult> {
  try {
    return { ok: true, bytes: await fs.readFile(file) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : code === 'ELOOP'
              ? 'too many symbolic links'
              : (code ?? 'read error');
    return { ok: false, why };
  }
}

function readHint(why: string, what: 'certificate' | 'private key'): string {
  if (why === 'file not found') {
    return `check the path (relative paths are resolved from the config file's directory); for certbot use live/<name>/${what === 'certificate' ? 'fullchain.pem' : 'privkey.pem'}`;
  }
  if (why === 'permission denied') {
    return `let the user running tlsterm read it (certbot's archive/ directory is root-only by default)`;
  }
  return `point ${what === 'certificate' ? 'cert' : 'key'} at a readable PEM file`;
}

function describe(index: number, cert: crypto.X509Certificate): string {
  const role = index === 0 ? 'the leaf certificate' : `certificate #${index + 1}`;
  return `${role} (${oneLineName(cert.subject)})`;
}

/** Read and check a certificate chain and its private key. */
export async function loadCertificatePair(
  certPath: string,
  keyPath: string,
  opts: LoadPairOptions = {},
): Promise<LoadPairResult> {
  const problems: Problem[] = [];
  const now = opts.now ?? new Date();
  const warningDays = opts.expiryWarningDays ?? 14;

  // --- certificate file
  const certRead = await readFileBytes(certPath);
  const keyRead = await readFileBytes(keyPath);
  if (!certRead.ok) {
    problems.push(
      err(
        'cert',
        `cannot read certificate ${certPath}: ${certRead.why}`,
        readHint(certRead.why, 'certificate'),
      ),
    );
  }
  if (!keyRead.ok) {
    problems.push(
      err('key', `cannot read private key ${keyPath}: ${keyRead.why}`, readHint(keyRead.why, 'private key')),
    );
  }

  const certs: crypto.X509Certificate[] = [];
  const certBlocks: string[] = [];
  if (certRead.ok) {
    const blocks = pemBlocks(certRead.bytes.toString('latin1'));
    const certPems = blocks.filter((b) => b.label === 'CERTIFICATE');
    if (certPems.length === 0) {
      const hasKey = blocks.some((b) => b.label.endsWith('PRIVATE KEY'));
      problems.push(
        err(
          'cert',
          hasKey
            ? `${certPath} holds a private key, not a certificate`
            : `${certPath} is not a PEM certificate file (no "BEGIN CERTIFICATE" block)`,
          hasKey
            ? 'cert and key look swapped: cert takes fullchain.pem, key takes privkey.pem'
            : looksLikeDer(certRead.bytes)
              ? 'the file looks like DER; convert it with `openssl x509 -inform der -in FILE -out cert.pem`'
              : 'use the PEM chain file (certbot: fullchain.pem)',
        ),
      );
    }
    certPems.forEach((block, i) => {
      try {
        certs.push(new crypto.X509Certificate(block.text));
        certBlocks.push(block.text);
      } catch (e) {
        problems.push(
          err(
            'cert',
            `certificate #${i + 1} in ${certPath} cannot be parsed (${e instanceof Error ? e.message : String(e)})`,
            'the PEM block is damaged; fetch the certificate again',
          ),
        );
      }
    });
  }

  // --- private key file
  let key: crypto.KeyObject | undefined;
  let keyPem: string | undefined;
  if (keyRead.ok) {
    const blocks = pemBlocks(keyRead.bytes.toString('latin1'));
    const keyBlock = blocks.find((b) => b.label.endsWith('PRIVATE KEY'));
    if (!keyBlock) {
      const hasCert = blocks.some((b) => b.label === 'CERTIFICATE');
      problems.push(
        err(
          'key',
          hasCert
            ? `${keyPath} holds a certificate, not a private key`
            : `${keyPath} is not a PEM private key file (no "BEGIN PRIVATE KEY" block)`,
          hasCert
            ? 'cert and key look swapped: key takes privkey.pem'
            : looksLikeDer(keyRead.bytes)
              ? 'the file looks like DER; convert it with `openssl pkey -inform der -in FILE -out key.pem`'
              : 'use the PEM key file (certbot: privkey.pem)',
        ),
      );
    } else if (keyBlock.label === 'ENCRYPTED PRIVATE KEY' || keyBlock.encryptedHeader) {
      problems.push(
        err(
          'key',
          `private key ${keyPath} is encrypted (passphrase-protected)`,
          'tlsterm needs an unencrypted key: `openssl pkey -in KEY -out key.pem`, then `chmod 600 key.pem`',
        ),
      );
    } else {
      try {
        key = crypto.createPrivateKey(keyBlock.text);
        keyPem = keyBlock.text;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        problems.push(
          err(
            'key',
            code === 'ERR_MISSING_PASSPHRASE'
              ? `private key ${keyPath} is encrypted (passphrase-protected)`
              : `private key ${keyPath} cannot be parsed (${code ?? 'invalid key'})`,
            'provide an unencrypted PEM private key (PKCS#8 "BEGIN PRIVATE KEY", or "BEGIN RSA/EC PRIVATE KEY")',
          ),
        );
      }
      try {
        const mode = (await fs.stat(keyPath)).mode;
        if ((mode & 0o004) !== 0) {
          problems.push(
            warn(
              'key',
              `private key ${keyPath} is readable by every user on this machine`,
              `chmod 600 ${keyPath}`,
            ),
          );
        }
      } catch {
        // Already read successfully; a failing stat adds nothing worth reporting.
      }
    }
  }

  const leaf = certs[0];
  if (!leaf || certs.length !== certBlocks.length) return { problems };

  // --- key ↔ leaf
  let keyMatchesLeaf = false;
  if (key) {
    keyMatchesLeaf = keyMatches(leaf, key);
    if (!keyMatchesLeaf) {
      const other = certs.findIndex((c, i) => i > 0 && keyMatches(c, key));
      problems.push(
        other > 0
          ? err(
              'cert',
              `the private key belongs to certificate #${other + 1} (${oneLineName(certs[other]?.subject ?? '')}), not to the first one: the chain is out of order`,
              'put the leaf certificate first, then the intermediate that issued it (certbot fullchain.pem order)',
            )
          : err(
              'key',
              `private key does not match certificate ${oneLineName(leaf.subject)}`,
              'use the key generated with this certificate (certbot: privkey.pem from the same live/<name>/ directory)',
            ),
      );
    }
  }

  // --- chain order: each certificate must be issued by the next one
  let orderOk = !problems.some((p) => p.message.includes('the chain is out of order'));
  for (let i = 0; orderOk && i + 1 < certs.length; i++) {
    const child = certs[i];
    const parent = certs[i + 1];
    if (!child || !parent || issuedBy(child, parent)) continue;
    orderOk = false;
    const realParent = certs.findIndex((c, j) => j !== i && issuedBy(child, c));
    problems.push(
      err(
        'cert',
        realParent >= 0
          ? `chain out of order: certificate #${i + 1} (${oneLineName(child.subject)}) is issued by certificate #${realParent + 1}, not by the next one, #${i + 2}`
          : `chain out of order: certificate #${i + 1} (${oneLineName(child.subject)}) is not issued by the next certificate, #${i + 2} (${oneLineName(parent.subject)})`,
        'order the file leaf first, then each issuer in turn (leaf, intermediate, …); certbot fullchain.pem is already in this order',
      ),
    );
    break;
  }

  // --- chain completeness (the one rule: chain-rule.ts)
  if (orderOk) {
    const extra = new Map<string, crypto.X509Certificate[]>();
    for (const pem of opts.extraCa ?? []) addRoot(extra, pem);
    const verdict = chainVerdict(certs, {
      selfSigned,
      issuedByTrustedRoot: (cert) =>
        [...(extra.get(cert.issuer) ?? []), ...(defaultRoots().get(cert.issuer) ?? [])].some((root) =>
          issuedBy(cert, root),
        ),
    });
    const lastCert = certs[certs.length - 1];
    if (verdict?.kind === 'anchored' && verdict.rootIncluded && lastCert) {
      problems.push(
        warn(
          'cert',
          `the chain includes the root certificate ${oneLineName(lastCert.subject)}`,
          'clients already have their roots; leave it out to save bytes in every handshake',
        ),
      );
    } else if (verdict?.kind === 'unknown_root' && lastCert) {
      problems.push(
        warn(
          'cert',
          `root not in the trust store: the chain is complete up to ${describe(verdict.lastIndex, lastCert)}, issued by ${oneLineName(verdict.issuer)}, a root neither Node's trust store nor extra_ca holds; only clients that trust it (a private CA) will accept this chain`,
          'nothing to fix for a private CA whose clients trust its root; list the root under extra_ca to have it checked here',
        ),
      );
    } else if (verdict?.kind === 'missing_intermediate' && lastCert) {
      problems.push(
        err(
          'cert',
          `missing intermediate: ${describe(verdict.lastIndex, lastCert)} is issued by ${oneLineName(verdict.issuer)}, which is neither in ${certPath} nor a trusted root`,
          'use the full chain (certbot: fullchain.pem, not cert.pem) or append the intermediate certificate after the leaf; for a private CA that issues directly from its root, list the root under extra_ca',
        ),
      );
    }
  }

  // --- validity, key strength, signature hash (roots are the client's business)
  certs.forEach((cert, i) => {
    if (i > 0 && selfSigned(cert)) return;
    const what = describe(i, cert);
    if (cert.validToDate.getTime() < now.getTime()) {
      problems.push(
        err(
          'cert',
          `${what} expired on ${day(cert.validToDate)}`,
          'renew it (certbot renew), then reload tlsterm',
        ),
      );
    } else if (cert.validFromDate.getTime() > now.getTime()) {
      problems.push(
        err(
          'cert',
          `${what} is not valid yet: it starts on ${day(cert.validFromDate)}`,
          "check this machine's clock, or wait until the certificate's start date",
        ),
      );
    } else if (i === 0) {
      const daysLeft = Math.ceil((cert.validToDate.getTime() - now.getTime()) / DAY_MS);
      if (daysLeft < warningDays) {
        problems.push(
          warn(
            'cert',
            `${what} expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, on ${day(cert.validToDate)}`,
            'renew it now (certbot renew); automated renewal should have done so by 30 days before expiry',
          ),
        );
      }
    }
    let weak: string | undefined;
    try {
      weak = weakKeyReason(cert.publicKey);
    } catch {
      // A public key Node cannot represent: nothing to measure.
    }
    if (weak) {
      problems.push(
        err(
          'cert',
          `${what} has a weak ${weak}`,
          'issue a new certificate with an ECDSA P-256 or RSA 2048+ key',
        ),
      );
    }
    const sig = cert.signatureAlgorithm ?? '';
    // 'sha1WithRSAEncryption', 'ecdsa-with-SHA1', 'md5WithRSAEncryption' (but not SHA-1xx).
    if (/(sha1|md5)(?!\d)/i.test(sig)) {
      problems.push(
        warn(
          'cert',
          `${what} is signed with ${sig}, which clients reject`,
          'have it re-issued with a SHA-256 signature',
        ),
      );
    }
  });

  if (problems.some((p) => p.severity === 'error') || !key || !keyPem || !keyMatchesLeaf) return { problems };

  return {
    pair: {
      certPath,
      keyPath,
      certPem: certBlocks.join(''),
      keyPem,
      keyType: keyTypeOf(key),
      subject: oneLineName(leaf.subject),
      serialNumber: leaf.serialNumber,
      notAfter: leaf.validToDate,
      sans: parseSubjectAltName(leaf.subjectAltName),
    },
    problems,
  };
}
