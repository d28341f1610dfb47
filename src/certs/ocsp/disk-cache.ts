// The last verified response per certificate, on disk: `<state_dir>/ocsp/<sha256 of cert>.der`
// (0600), so a restart with the responder down still staples. Read back through the verifier like
// any other response: nothing read from disk is stapled unverified.

import fs from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

export const ocspCachePath = (stateDir: string, fingerprint: string): string =>
  path.join(stateDir, 'ocsp', `${fingerprint}.der`);

export async function readCachedResponse(
  stateDir: string,
  fingerprint: string,
): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await fs.readFile(ocspCachePath(stateDir, fingerprint)));
  } catch {
    return undefined;
  }
}

/** Write then rename: a reader never sees half a response. Errors are the caller's to log. */
export async function writeCachedResponse(
  stateDir: string,
  fingerprint: string,
  der: Uint8Array,
): Promise<void> {
  const file = ocspCachePath(stateDir, fingerprint);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, der, { mode: 0o600 });
  await fs.rename(tmp, file);
}
