// Test PKI: a root CA → intermediate → leaf chains (EC and RSA), plus the broken certificates `check`
// must catch. Everything is generated at test time into a directory the caller owns.
//
//   const tmp = makeTempDir('pki');
//   const pki = await makePki(tmp.dir);
//   tls.createServer({ cert: fs.readFileSync(pki.chains.ec.fullchainPath), key: … });
//   tls.connect({ ca: pki.rootPem, servername: 'example.test', … });
//   const expired = await pki.scenario('expired');
//   tmp.cleanup();

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type HashName, type IssuedCertificate, issueCertificate } from '../../src/certs/issue.ts';

const DAY_MS = 86_400_000;

/** Names every default chain covers. */
export const DEFAULT_NAMES: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  'example.test',
  '*.example.test',
];

export interface ChainFiles {
  /** Directory holding the files below. */
  readonly dir: string;
  /** Leaf certificate alone. */
  readonly certPath: string;
  /** The private key (PKCS#8 PEM). */
  readonly keyPath: string;
  /** What a server should load: leaf + intermediate (or the scenario's layout). */
  readonly fullchainPath: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly fullchainPem: string;
}

export interface PkiIssueOptions {
  /** Subdirectory name under the PKI directory; default 'leaf-<n>'. */
  readonly name?: string;
  readonly keyType?: 'ec' | 'rsa';
  readonly rsaBits?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Shortcut for notAfter = now + validDays (may be negative). */
  readonly validDays?: number;
  /** Hash the intermediate signs the leaf with; default SHA-256. */
  readonly hash?: HashName;
  /**
   * What fullchainPath holds: 'fullchain' (leaf, intermediate; default), 'leaf-only' (missing
   * intermediate), 'reversed' (intermediate, leaf), 'with-root' (leaf, intermediate, root).
   */
  readonly layout?: 'fullchain' | 'leaf-only' | 'reversed' | 'with-root';
  /** keyPath holds an unrelated key of the same type. */
  readonly mismatchedKey?: boolean;
  /** Sign by the root directly instead of the intermediate. */
  readonly byRoot?: boolean;
  /** AIA OCSP responder URL. */
  readonly ocspUrl?: string;
  /** TLS Feature status_request (must-staple). */
  readonly mustStaple?: boolean;
  /** A delegated OCSP responder certificate (EKU OCSPSigning only), signed by the intermediate. */
  readonly ocspSigning?: boolean;
}

export type Scenario =
  | 'expired'
  | 'not-yet-valid'
  | 'expiring-soon'
  | 'rsa-1024'
  | 'sha1'
  | 'mismatched-key'
  | 'out-of-order'
  | 'leaf-only'
  | 'with-root';

export interface Pki {
  readonly dir: string;
  readonly rootPem: string;
  readonly rootPath: string;
  readonly rootKeyPem: string;
  readonly intermediatePem: string;
  readonly intermediatePath: string;
  /** The intermediate's private key (PKCS#8 PEM), e.g. to sign OCSP responses. */
  readonly intermediateKeyPem: string;
  /** Valid 90-day leaves for DEFAULT_NAMES, signed by the intermediate. */
  readonly chains: { readonly ec: ChainFiles; readonly rsa: ChainFiles };
  issue(names?: readonly string[], opts?: PkiIssueOptions): Promise<ChainFiles>;
  scenario(kind: Scenario, names?: readonly string[]): Promise<ChainFiles>;
}

/** A fresh directory under os.tmpdir(); call cleanup() in an after/finally hook. */
export function makeTempDir(prefix = 'tlsterm-test'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `label` distinguishes the CA names of several PKIs in one test ("tlsterm Test <label> Root CA"). */
export async function makePki(dir: string, label = ''): Promise<Pki> {
  const tag = label === '' ? '' : `${label} `;
  fs.mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const root = await issueCertificate({
    names: [],
    subject: `CN=tlsterm Test ${tag}Root CA,O=tlsterm tests`,
    keyType: 'ec',
    isCa: true,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
  });
  const intermediate = await issueCertificate({
    issuer: root,
    names: [],
    subject: `CN=tlsterm Test ${tag}Intermediate CA,O=tlsterm tests`,
    keyType: 'ec',
    isCa: true,
    pathLength: 0,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 1825 * DAY_MS),
  });
  const rootPath = path.join(dir, 'root.pem');
  const intermediatePath = path.join(dir, 'intermediate.pem');
  fs.writeFileSync(rootPath, root.certPem);
  fs.writeFileSync(intermediatePath, intermediate.certPem);

  let counter = 0;
  const issue = async (
    names: readonly string[] = DEFAULT_NAMES,
    opts: PkiIssueOptions = {},
  ): Promise<ChainFiles> => {
    counter++;
    const keyType = opts.keyType ?? 'ec';
    const notBefore = opts.notBefore ?? new Date(Date.now() - 60 * 60_000);
    const notAfter =
      opts.notAfter ??
      (opts.validDays !== undefined
        ? new Date(Date.now() + opts.validDays * DAY_MS)
        : new Date(Date.now() + 90 * DAY_MS));
    const leaf: IssuedCertificate = await issueCertificate({
      issuer: opts.byRoot ? root : intermediate,
      names,
      keyType,
      ...(opts.rsaBits !== undefined ? { rsaBits: opts.rsaBits } : {}),
      ...(opts.hash !== undefined ? { hash: opts.hash } : {}),
      ...(opts.ocspUrl !== undefined ? { ocspUrl: opts.ocspUrl } : {}),
      ...(opts.mustStaple ? { mustStaple: true } : {}),
      ...(opts.ocspSigning ? { ocspSigning: true } : {}),
      notBefore,
      notAfter,
    });
    let keyPem = leaf.keyPem;
    if (opts.mismatchedKey) {
      const other = await issueCertificate({ names: ['other.test'], keyType, notBefore, notAfter });
      keyPem = other.keyPem;
    }
    const chainDir = path.join(dir, opts.name ?? `leaf-${counter}`);
    fs.mkdirSync(chainDir, { recursive: true });
    const middle = opts.byRoot ? [] : [intermediate.certPem];
    const layouts: Record<NonNullable<PkiIssueOptions['layout']>, string[]> = {
      fullchain: [leaf.certPem, ...middle],
      'leaf-only': [leaf.certPem],
      reversed: [...middle, leaf.certPem],
      'with-root': [leaf.certPem, ...middle, root.certPem],
    };
    const fullchainPem = layouts[opts.layout ?? 'fullchain'].join('');
    const files: ChainFiles = {
      dir: chainDir,
      certPath: path.join(chainDir, 'cert.pem'),
      keyPath: path.join(chainDir, 'privkey.pem'),
      fullchainPath: path.join(chainDir, 'fullchain.pem'),
      certPem: leaf.certPem,
      keyPem,
      fullchainPem,
    };
    fs.writeFileSync(files.certPath, leaf.certPem);
    fs.writeFileSync(files.keyPath, keyPem, { mode: 0o600 });
    fs.writeFileSync(files.fullchainPath, fullchainPem);
    return files;
  };

  const scenario = (kind: Scenario, names: readonly string[] = DEFAULT_NAMES): Promise<ChainFiles> => {
    const now = Date.now();
    switch (kind) {
      case 'expired':
        return issue(names, {
          name: kind,
          notBefore: new Date(now - 100 * DAY_MS),
          notAfter: new Date(now - 10 * DAY_MS),
        });
      case 'not-yet-valid':
        return issue(names, {
          name: kind,
          notBefore: new Date(now + 10 * DAY_MS),
          notAfter: new Date(now + 100 * DAY_MS),
        });
      case 'expiring-soon':
        return issue(names, { name: kind, validDays: 5 });
      case 'rsa-1024':
        return issue(names, { name: kind, keyType: 'rsa', rsaBits: 1024 });
      case 'sha1':
        return issue(names, { name: kind, hash: 'SHA-1' });
      case 'mismatched-key':
        return issue(names, { name: kind, mismatchedKey: true });
      case 'out-of-order':
        return issue(names, { name: kind, layout: 'reversed' });
      case 'leaf-only':
        return issue(names, { name: kind, layout: 'leaf-only' });
      case 'with-root':
        return issue(names, { name: kind, layout: 'with-root' });
    }
  };

  const ec = await issue(DEFAULT_NAMES, { name: 'ec', keyType: 'ec' });
  const rsa = await issue(DEFAULT_NAMES, { name: 'rsa', keyType: 'rsa' });
  return {
    dir,
    rootPem: root.certPem,
    rootPath,
    rootKeyPem: root.keyPem,
    intermediatePem: intermediate.certPem,
    intermediatePath,
    intermediateKeyPem: intermediate.keyPem,
    chains: { ec, rsa },
    issue,
    scenario,
  };
}
