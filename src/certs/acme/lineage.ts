// Certificates on disk in certbot's layout, so that tlsterm's workers (and anything else that reads
// certbot's files) pick them up the same way:
//
//   <state_dir>/archive/<name>/{cert,chain,fullchain,privkey}N.pem   every version, privkey 0600
//   <state_dir>/live/<name>/{cert,chain,fullchain,privkey}.pem      symlinks to the newest version
//
// A new version is written completely first; then each live link is replaced by rename (atomic per
// file). The pair watcher's debounce covers the moment between the four renames.

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { normalizeName, parseSubjectAltName } from '../names.ts';
import { pemBlocks } from '../pem.ts';
import { fileNameFor, tempName } from './files.ts';
import type { LineageFacts } from './renewal.ts';

export const LINEAGE_FILES = ['cert', 'chain', 'fullchain', 'privkey'] as const;
export type LineageFile = (typeof LINEAGE_FILES)[number];

export interface LineagePaths {
  readonly name: string;
  readonly liveDir: string;
  readonly archiveDir: string;
  /** The live symlinks: what a site loads (fullchain + privkey). */
  readonly cert: string;
  readonly chain: string;
  readonly fullchain: string;
  readonly privkey: string;
}

/**
 * certbot's naming — the lineage is named after a host — here the first host that is not a
 * wildcard, else the first wildcard's base name; made safe as a directory name.
 */
export function lineageName(hosts: readonly string[]): string {
  const names = hosts.map(normalizeName);
  const first = names.find((h) => !h.startsWith('*.')) ?? (names[0] ?? 'certificate').replace(/^\*\./, '');
  return fileNameFor(first.replaceAll(':', '-'));
}

/**
 * Names for a list of certificates (each a host list) in order: the lineage name, and for a second
 * certificate whose first host gives the same name but with other hosts, certbot's "-0001" suffix.
 * Identical host sets share one name (one certificate serves both sites).
 */
export function assignLineageNames(hostLists: readonly (readonly string[])[]): string[] {
  const byName = new Map<string, string>(); // name → host-set key
  const byHosts = new Map<string, string>(); // host-set key → name
  return hostLists.map((hosts) => {
    const key = [...new Set(hosts.map(normalizeName))].sort().join(' ');
    const known = byHosts.get(key);
    if (known) return known;
    const base = lineageName(hosts);
    let name = base;
    for (let i = 1; byName.has(name); i++) name = `${base}-${String(i).padStart(4, '0')}`;
    byName.set(name, key);
    byHosts.set(key, name);
    return name;
  });
}

export function lineagePaths(stateDir: string, name: string): LineagePaths {
  const liveDir = path.join(stateDir, 'live', name);
  return {
    name,
    liveDir,
    archiveDir: path.join(stateDir, 'archive', name),
    cert: path.join(liveDir, 'cert.pem'),
    chain: path.join(liveDir, 'chain.pem'),
    fullchain: path.join(liveDir, 'fullchain.pem'),
    privkey: path.join(liveDir, 'privkey.pem'),
  };
}

export interface LineageVersion {
  /** Full chain as the CA sent it: leaf first. */
  readonly fullchainPem: string;
  readonly keyPem: string;
}

async function nextVersion(archiveDir: string): Promise<number> {
  let max = 0;
  for (const f of await fs.readdir(archiveDir).catch(() => [] as string[])) {
    const m = /^(?:cert|chain|fullchain|privkey)(\d+)\.pem$/.exec(f);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/** Write a new version into archive/ and point live/ at it; returns the version number. */
export async function writeLineageVersion(
  stateDir: string,
  name: string,
  version: LineageVersion,
): Promise<number> {
  const p = lineagePaths(stateDir, name);
  await fs.mkdir(p.archiveDir, { recursive: true, mode: 0o700 });
  await fs.mkdir(p.liveDir, { recursive: true, mode: 0o755 });
  const certs = pemBlocks(version.fullchainPem).filter((b) => b.label === 'CERTIFICATE');
  const contents: Record<LineageFile, { text: string; mode: number }> = {
    cert: { text: certs[0]?.text ?? '', mode: 0o644 },
    chain: {
      text: certs
        .slice(1)
        .map((b) => b.text)
        .join(''),
      mode: 0o644,
    },
    fullchain: { text: certs.map((b) => b.text).join(''), mode: 0o644 },
    privkey: { text: version.keyPem, mode: 0o600 },
  };
  // 'wx': two writers racing for one version number cannot overwrite each other; the loser retries.
  for (let attempt = 0; ; attempt++) {
    const n = await nextVersion(p.archiveDir);
    try {
      for (const f of LINEAGE_FILES) {
        const file = path.join(p.archiveDir, `${f}${n}.pem`);
        await fs.writeFile(file, contents[f].text, { mode: contents[f].mode, flag: 'wx' });
        await fs.chmod(file, contents[f].mode);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw e;
    }
    // Key first: the moment a new fullchain is visible, its key already is.
    for (const f of ['privkey', 'cert', 'chain', 'fullchain'] as const) {
      const link = p[f];
      const tmp = tempName(link);
      await fs.symlink(path.relative(p.liveDir, path.join(p.archiveDir, `${f}${n}.pem`)), tmp);
      await fs.rename(tmp, link);
    }
    return n;
  }
}

export interface LineageCertificate extends LineageFacts {
  readonly certPem: string;
  readonly subject: string;
  readonly issuer: string;
}

/** What live/<name>/ holds now, or undefined when there is no readable certificate there. */
export async function readLineage(stateDir: string, name: string): Promise<LineageCertificate | undefined> {
  const p = lineagePaths(stateDir, name);
  let fullchain: string;
  let keyText: string;
  try {
    [fullchain, keyText] = await Promise.all([
      fs.readFile(p.fullchain, 'utf8'),
      fs.readFile(p.privkey, 'utf8'),
    ]);
  } catch {
    return undefined;
  }
  return lineageFacts(fullchain, keyText);
}

/** The facts of a chain + key given as text (a version from disk or from a shared store). */
export function lineageFacts(fullchainPem: string, keyPem: string): LineageCertificate | undefined {
  const leafBlock = pemBlocks(fullchainPem).find((b) => b.label === 'CERTIFICATE');
  if (!leafBlock) return undefined;
  try {
    const leaf = new crypto.X509Certificate(leafBlock.text);
    let keyMatches = false;
    try {
      keyMatches = leaf.checkPrivateKey(crypto.createPrivateKey(keyPem));
    } catch {
      keyMatches = false;
    }
    let selfSigned = false;
    try {
      selfSigned = leaf.checkIssued(leaf) && leaf.verify(leaf.publicKey);
    } catch {
      selfSigned = false;
    }
    return {
      certPem: leafBlock.text,
      subject: leaf.subject.split('\n').join(', '),
      issuer: leaf.issuer.split('\n').join(', '),
      notBefore: leaf.validFromDate,
      notAfter: leaf.validToDate,
      serialNumber: leaf.serialNumber,
      sans: parseSubjectAltName(leaf.subjectAltName),
      selfSigned,
      keyMatches,
    };
  } catch {
    return undefined;
  }
}
