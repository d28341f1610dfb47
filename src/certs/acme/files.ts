// Small file helpers for the state directory: atomic replacement (temp file + rename, so a reader
// never sees half a file) and names that are safe as file names.

import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

export const tempName = (file: string): string =>
  path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );

/** Replace `file` atomically with `data`, created with `mode` (0600 for keys). */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = tempName(file);
  try {
    await fs.writeFile(tmp, data, { mode, flag: 'wx' });
    await fs.chmod(tmp, mode); // the umask may have taken bits away
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Create `file` with `data` only if it does not exist yet (hard link: atomic and complete). */
export async function createFileExclusive(file: string, data: string, mode = 0o600): Promise<boolean> {
  const tmp = tempName(file);
  await fs.writeFile(tmp, data, { mode, flag: 'wx' });
  try {
    await fs.chmod(tmp, mode);
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A key (token, host name, lock name) as one file name: [A-Za-z0-9._-] kept, the rest %XX. */
export function fileNameFor(key: string): string {
  const name = key.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  // A leading dot would hide the file and collide with temp files.
  return name.startsWith('.') ? `%2E${name.slice(1)}` : name;
}
