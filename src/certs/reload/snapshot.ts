// What a certificate pair's files hold right now: one fingerprint over both files' bytes (symlinks
// followed, so certbot's live/ → archive/ swap shows up as new content), and where the links point,
// so the watcher can watch the real directories too. Never throws: an unreadable file is part of
// the fingerprint, not an exception.

import type { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CertificatePair } from '../pair.ts';
import { pemBlocks } from '../pem.ts';

export interface PairSnapshot {
  /** sha256 over both files' contents (or their read errors). */
  readonly fingerprint: string;
  readonly certBytes: Buffer | undefined;
  readonly keyBytes: Buffer | undefined;
  /** Directories whose changes can change the pair: the configured ones and the links' targets'. */
  readonly directories: readonly string[];
}

async function readOrError(file: string): Promise<{ bytes?: Buffer; error?: string }> {
  try {
    return { bytes: await fs.readFile(file) };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? 'read error' };
  }
}

async function realDir(file: string): Promise<string | undefined> {
  try {
    return path.dirname(await fs.realpath(file));
  } catch {
    return undefined;
  }
}

export async function readPairSnapshot(certPath: string, keyPath: string): Promise<PairSnapshot> {
  const [cert, key, certReal, keyReal] = await Promise.all([
    readOrError(certPath),
    readOrError(keyPath),
    realDir(certPath),
    realDir(keyPath),
  ]);
  const hash = createHash('sha256');
  for (const part of [cert, key]) {
    if (part.bytes) hash.update('file\0').update(part.bytes);
    else hash.update(`error\0${part.error ?? ''}`);
    hash.update('\0\0');
  }
  const dirs = new Set([path.dirname(certPath), path.dirname(keyPath)]);
  if (certReal) dirs.add(certReal);
  if (keyReal) dirs.add(keyReal);
  return {
    fingerprint: hash.digest('hex'),
    certBytes: cert.bytes,
    keyBytes: key.bytes,
    directories: [...dirs],
  };
}

/** Do the files hold exactly the pair in service (as load-pair normalized it)? */
export function snapshotHolds(snapshot: PairSnapshot, pair: CertificatePair): boolean {
  if (!snapshot.certBytes || !snapshot.keyBytes) return false;
  const certPem = pemBlocks(snapshot.certBytes.toString('latin1'))
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.text)
    .join('');
  const keyPem = pemBlocks(snapshot.keyBytes.toString('latin1')).find((b) =>
    b.label.endsWith('PRIVATE KEY'),
  )?.text;
  return certPem === pair.certPem && keyPem === pair.keyPem;
}
