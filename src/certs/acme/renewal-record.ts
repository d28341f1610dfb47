// What the certificate manager knows about each certificate beyond the files themselves — the next
// renewal and why, the last failure — kept in <state_dir>/acme/renewal/<name>.json (certbot keeps
// renewal/<name>.conf) so that `tlsterm cert status` can show it from another process.

import fs from 'node:fs/promises';
import path from 'node:path';
import { readTextIfExists, writeFileAtomic } from './files.ts';
import type { AcmeProblem } from './problem.ts';

export interface RenewalRecord {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly directory: string;
  readonly challenge: string;
  /** Serial of the certificate the plan is for. */
  readonly serial?: string;
  readonly notAfter?: string;
  readonly nextRenewalAt?: string;
  readonly renewalSource?: 'ari' | 'lifetime' | 'now';
  readonly ariWindow?: { readonly start: string; readonly end: string };
  readonly ariExplanationUrl?: string;
  readonly failures: number;
  readonly lastError?: string;
  readonly lastProblem?: AcmeProblem;
  readonly nextAttemptAt?: string;
  readonly updatedAt: string;
}

export const renewalRecordPath = (stateDir: string, name: string): string =>
  path.join(stateDir, 'acme', 'renewal', `${name}.json`);

export async function writeRenewalRecord(stateDir: string, record: RenewalRecord): Promise<void> {
  const file = renewalRecordPath(stateDir, record.name);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, 0o644);
}

export async function readRenewalRecord(stateDir: string, name: string): Promise<RenewalRecord | undefined> {
  try {
    const o = JSON.parse(
      (await readTextIfExists(renewalRecordPath(stateDir, name))) ?? 'null',
    ) as RenewalRecord | null;
    return o && typeof o.name === 'string' && typeof o.failures === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}
