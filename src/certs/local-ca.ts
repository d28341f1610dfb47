// A local development CA, so `tlsterm serve` works with no configuration: created once under the state
// directory and reused; the leaf is re-issued when it nears expiry or its names change.
// This is start-up code: failures throw a TlstermError (state directory unusable).

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { Errors, TlstermError } from '../errors.ts';
import type { IssuedCertificate, Issuer } from './issue.ts';
import { normalizeName, parseSubjectAltName } from './names.ts';

export type { IssuedCertificate, IssueOptions, Issuer } from './issue.ts';

// The certificate issuer (an X.509 library, ~20 MiB) loads only when a certificate is made: a start
// that finds its CA and leaf on disk never loads it.
const issueCertificate: typeof import('./issue.ts').issueCertificate = async (options) =>
  (await import('./issue.ts')).issueCertificate(options);

export const DEFAULT_LOCAL_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export interface LocalCertificates {
  readonly caCertPath: string;
  readonly caKeyPath: string;
  readonly leafCertPath: string;
  readonly leafKeyPath: string;
  /** True when anything (CA or leaf) was written by this call. */
  readonly created: boolean;
}

const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 3652; // ten years
const LEAF_LIFETIME_DAYS = 90;
const LEAF_RENEW_DAYS = 30;

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Write via a temporary file and rename, so a crash or a concurrent start never leaves half a PEM. */
async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, text, { mode });
  await fs.chmod(tmp, mode);
  await fs.rename(tmp, file);
}

function parse(certPem: string | undefined, keyPem: string | undefined): crypto.X509Certificate | undefined {
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new crypto.X509Certificate(certPem);
    return cert.checkPrivateKey(crypto.createPrivateKey(keyPem)) ? cert : undefined;
  } catch {
    return undefined;
  }
}

const sameNames = (a: readonly string[], b: readonly string[]): boolean => {
  const x = new Set(a.map(normalizeName));
  const y = new Set(b.map(normalizeName));
  return x.size === y.size && [...x].every((n) => y.has(n));
};

/**
 * Make sure `<stateDir>/ca/{ca.pem,ca.key}` (ECDSA P-256, 10 years) and
 * `<stateDir>/certs/localhost/{fullchain.pem,privkey.pem}` (ECDSA P-256, 90 days, for `names`) exist
 * and are usable. The leaf is renewed with < 30 days left, when `names` changed, or when the CA changed.
 */
export async function ensureLocalCertificates(
  stateDir: string,
  names: readonly string[] = DEFAULT_LOCAL_NAMES,
  opts: { now?: Date } = {},
): Promise<LocalCertificates> {
  const now = opts.now ?? new Date();
  const caDir = path.join(stateDir, 'ca');
  const leafDir = path.join(stateDir, 'certs', 'localhost');
  const paths = {
    caCertPath: path.join(caDir, 'ca.pem'),
    caKeyPath: path.join(caDir, 'ca.key'),
    leafCertPath: path.join(leafDir, 'fullchain.pem'),
    leafKeyPath: path.join(leafDir, 'privkey.pem'),
  };
  try {
    await fs.mkdir(caDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(leafDir, { recursive: true, mode: 0o700 });

    let created = false;
    let caCertPem = await readIfExists(paths.caCertPath);
    let caKeyPem = await readIfExists(paths.caKeyPath);
    const ca = parse(caCertPem, caKeyPem);
    // A CA that expires before a fresh leaf would is replaced (after ten years).
    if (!ca || ca.validToDate.getTime() - now.getTime() < LEAF_LIFETIME_DAYS * DAY_MS) {
      const suffix = crypto.randomBytes(3).toString('hex');
      const issued: IssuedCertificate = await issueCertificate({
        names: [],
        subject: `CN=tlsterm local CA ${suffix},O=tlsterm development CA`,
        keyType: 'ec',
        isCa: true,
        pathLength: 0,
        notBefore: new Date(now.getTime() - 5 * 60_000),
        notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY_MS),
      });
      caCertPem = issued.certPem;
      caKeyPem = issued.keyPem;
      await writeAtomic(paths.caKeyPath, caKeyPem, 0o600);
      await writeAtomic(paths.caCertPath, caCertPem, 0o644);
      created = true;
    }
    const issuer: Issuer = { certPem: caCertPem ?? '', keyPem: caKeyPem ?? '' };
    const caCert = new crypto.X509Certificate(issuer.certPem);

    const leaf = parse(await readIfExists(paths.leafCertPath), await readIfExists(paths.leafKeyPath));
    const leafUsable =
      leaf?.checkIssued(caCert) === true &&
      leaf.verify(caCert.publicKey) &&
      leaf.validToDate.getTime() - now.getTime() >= LEAF_RENEW_DAYS * DAY_MS &&
      leaf.validFromDate.getTime() <= now.getTime() &&
      sameNames(parseSubjectAltName(leaf.subjectAltName), names);
    if (!leafUsable) {
      const issued = await issueCertificate({
        issuer,
        names,
        keyType: 'ec',
        notBefore: new Date(now.getTime() - 5 * 60_000),
        notAfter: new Date(now.getTime() + LEAF_LIFETIME_DAYS * DAY_MS),
      });
      await writeAtomic(paths.leafKeyPath, issued.keyPem, 0o600);
      await writeAtomic(paths.leafCertPath, issued.certPem, 0o644);
      created = true;
    }
    return { ...paths, created };
  } catch (e) {
    if (e instanceof TlstermError) throw e;
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new TlstermError(Errors.stateDir(stateDir, why), { cause: e });
  }
}
