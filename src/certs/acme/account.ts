// The ACME account: one per directory URL, shared by every site (and every instance that shares the
// state directory). Its key is created once — exclusively, so two instances starting together
// agree on one key — and the account URL the CA returns is remembered beside it.
//
//   <state_dir>/acme/accounts/<host>/<sha256(directory)[:16]>/account.key   (0600)
//                                                            /account.json  { directory, url, email }

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createFileExclusive, fileNameFor, readTextIfExists, writeFileAtomic } from './files.ts';

export interface AccountPaths {
  readonly dir: string;
  readonly keyPath: string;
  readonly metaPath: string;
}

export interface AccountMeta {
  readonly directory: string;
  readonly url: string;
  readonly email: string;
}

export function accountPaths(stateDir: string, directoryUrl: string): AccountPaths {
  let host = 'directory';
  try {
    host = new URL(directoryUrl).host;
  } catch {
    // keep the generic name; the hash below still tells directories apart
  }
  const id = crypto.createHash('sha256').update(directoryUrl).digest('hex').slice(0, 16);
  const dir = path.join(stateDir, 'acme', 'accounts', fileNameFor(host), id);
  return { dir, keyPath: path.join(dir, 'account.key'), metaPath: path.join(dir, 'account.json') };
}

/** The account key (PKCS#8 PEM, ECDSA P-256), created on first use. */
export async function loadOrCreateAccountKey(
  paths: AccountPaths,
): Promise<{ keyPem: string; created: boolean }> {
  const existing = await readTextIfExists(paths.keyPath);
  if (existing !== undefined) return { keyPem: existing, created: false };
  await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (await createFileExclusive(paths.keyPath, keyPem, 0o600)) return { keyPem, created: true };
  // Another instance won the race: use its key.
  return { keyPem: await fs.readFile(paths.keyPath, 'utf8'), created: false };
}

export async function readAccountMeta(paths: AccountPaths): Promise<AccountMeta | undefined> {
  try {
    const o = JSON.parse((await readTextIfExists(paths.metaPath)) ?? 'null') as Partial<AccountMeta> | null;
    return o && typeof o.url === 'string' && typeof o.directory === 'string'
      ? { directory: o.directory, url: o.url, email: typeof o.email === 'string' ? o.email : '' }
      : undefined;
  } catch {
    return undefined;
  }
}

export async function writeAccountMeta(paths: AccountPaths, meta: AccountMeta): Promise<void> {
  await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(paths.metaPath, `${JSON.stringify(meta, null, 2)}\n`, 0o600);
}
