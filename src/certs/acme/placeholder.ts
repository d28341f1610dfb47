// Until the first ACME issuance succeeds a site still needs something to serve: a self-signed
// certificate for its hosts, written into live/<name>/ like any version, so the serving side loads
// the same paths before and after issuance and the file watcher swaps the real one in.

import { lineagePaths, readLineage, writeLineageVersion } from './lineage.ts';

const DAY_MS = 86_400_000;
export const PLACEHOLDER_DAYS = 30;

export interface PlaceholderResult {
  /** True when a placeholder was written now. */
  readonly created: boolean;
  readonly certPath: string;
  readonly keyPath: string;
}

/**
 * Make sure live/<name>/ holds a usable pair: keep whatever is there if its key matches (a real
 * certificate, even an expired one, is never replaced by a placeholder); otherwise write a self-signed
 * ECDSA P-256 certificate for `hosts`. Start-up code: throws when the state directory is unusable.
 */
export async function ensurePlaceholderCertificate(
  stateDir: string,
  name: string,
  hosts: readonly string[],
  now: Date = new Date(),
): Promise<PlaceholderResult> {
  const p = lineagePaths(stateDir, name);
  const current = await readLineage(stateDir, name);
  const usable =
    current?.keyMatches === true &&
    (!current.selfSigned || current.notAfter.getTime() - now.getTime() > DAY_MS);
  if (usable) return { created: false, certPath: p.fullchain, keyPath: p.privkey };
  // The X.509 issuer (~20 MiB) loads only when a placeholder is written, not on every start.
  const { createSelfSigned } = await import('./self-signed.ts');
  const issued = await createSelfSigned({
    names: hosts,
    subject: `CN=tlsterm placeholder for ${name.replace(/([,+"\\<>;=])/g, '\\$1')}`,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + PLACEHOLDER_DAYS * DAY_MS),
  });
  await writeLineageVersion(stateDir, name, { fullchainPem: issued.certPem, keyPem: issued.keyPem });
  return { created: true, certPath: p.fullchain, keyPath: p.privkey };
}
